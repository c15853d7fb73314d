"""An operation started in one server process finishes in another after a SIGKILL."""

from __future__ import annotations

import sys

import anyio
from mcp import Client, StdioServerParameters

from tests.mcp.conftest import HttpServer, serve_arguments, server_environment, start_http_server
from tests.mcp.helpers import call, resume_until_done

TOTAL = 60


async def test_an_operation_killed_mid_call_finishes_in_another_server_with_every_item_once(
    store_url: str, http_servers: list[HttpServer]
) -> None:
    first_server = start_http_server(store_url)
    http_servers.append(first_server)
    progressed = anyio.Event()

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        # A chunk reports its progress just before its checkpoint commits, so step 11
        # being reported means step 10 is durable.
        if progress >= 11:
            progressed.set()

    async def call_until_killed(client: Client) -> None:
        await client.call_tool(
            "execute_incrementally",
            {
                "operation_type": "counter",
                "operation_id": "survivor",
                "input": {"total_items": TOTAL, "items_per_chunk": 1, "chunk_delay_ms": 40},
                "budget_ms": 2000,
            },
            progress_callback=on_progress,
        )

    async with (
        Client(first_server.url, read_timeout_seconds=60) as client,
        anyio.create_task_group() as group,
    ):
        group.start_soon(call_until_killed, client)
        with anyio.fail_after(60):
            await progressed.wait()
        first_server.kill()
        group.cancel_scope.cancel()

    parameters = StdioServerParameters(
        command=sys.executable, args=serve_arguments(store_url), env=server_environment()
    )
    async with Client(parameters, read_timeout_seconds=60) as second:
        view = await call(second, "get_progress", operation_id="survivor")
        assert 10 <= view["progress"]["current_step"] < TOTAL
        resumed = await call(second, "resume", operation_id="survivor", budget_ms=500)
        last, _ = await resume_until_done(second, resumed)
        everything = await call(second, "get_results", operation_id="survivor", limit=200)
    assert last["result"] == {"count": TOTAL}
    assert [item["output"]["n"] for item in everything["items"]] == list(range(1, TOTAL + 1))
