"""Hostile arguments to every tool, on the MCP and OpenAI surfaces (property-based).

Whatever the arguments: no crash and no hang; a refusal is an error with a code and
a hint; and a refused call changes nothing stored but the audit log, which gains
exactly one entry: the refusal, with its code.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client

from agent_tools.surfaces.mcp.server import build_server
from agent_tools.surfaces.openai_tools import OpenAITools
from agent_tools.surfaces.tool_catalog import TOOLS
from tests.hostile.harness import Harness, Snapshot, arguments, check_error

TOOL_NAMES = [spec.name for spec in TOOLS] + ["no_such_tool"]
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    opened = Harness(tmp_path)
    yield opened
    opened.close()


def _aimed(harness: Harness, name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Half the calls name the stored operation, so they get past the lookup."""
    if name != "describe_operation_types" and raw.get("operation_id") == "counter-000000000000":
        return {**raw, "operation_id": harness.operation_id}
    return raw


def _mcp_error(result: Any) -> dict[str, Any] | None:
    if not result.is_error:
        return None
    body = json.loads(result.content[-1].text)
    error: dict[str, Any] = body["error"]
    return error


Request = tuple[str, dict[str, Any], "asyncio.Future[Any]"]


async def _serve_client(server: Any, requests: asyncio.Queue[Request | None]) -> None:
    """One task owns the in-process MCP client (anyio scopes must exit where they began)."""
    async with Client(server, read_timeout_seconds=60) as client:
        while (request := await requests.get()) is not None:
            name, sent, answer = request
            answer.set_result(await client.call_tool(name, sent))


def test_mcp_tools_refuse_hostile_arguments_cleanly(harness: Harness) -> None:
    requests: asyncio.Queue[Request | None] = asyncio.Queue()
    serving = harness.loop.create_task(_serve_client(build_server(harness.engine), requests))

    async def call(name: str, sent: dict[str, Any]) -> Any:
        answer: asyncio.Future[Any] = harness.loop.create_future()
        await requests.put((name, sent, answer))
        return await answer

    @PROPERTY
    @given(name=st.sampled_from(TOOL_NAMES), raw=arguments())
    def check(name: str, raw: dict[str, Any]) -> None:
        before = Snapshot.of(harness.database)
        result = harness.run(call(name, _aimed(harness, name, raw)))
        error = _mcp_error(result)
        if error is None:
            harness.settle()
        else:
            check_error(error)
            before.check_only_refusal_recorded(harness.database, f"tool.{name}", error["code"])

    try:
        check()
    finally:
        requests.put_nowait(None)
        harness.run(serving)


def test_openai_functions_refuse_hostile_arguments_cleanly(harness: Harness) -> None:
    tools = OpenAITools(harness.engine)
    names = [definition["function"]["name"] for definition in tools.definitions()]

    @PROPERTY
    @given(
        name=st.sampled_from([*names, "no_such_function"]),
        raw=arguments() | st.text(max_size=30).map(lambda text: {"__raw__": text}),
    )
    def check(name: str, raw: dict[str, Any]) -> None:
        before = Snapshot.of(harness.database)
        sent: Any = raw["__raw__"] if set(raw) == {"__raw__"} else _aimed(harness, name, raw)
        answer = json.loads(harness.run(tools.call(name, sent)))
        if isinstance(answer, dict) and set(answer) == {"error"}:
            check_error(answer["error"])
            code = answer["error"]["code"]
            before.check_only_refusal_recorded(harness.database, f"tool.{name}", code)
        else:
            harness.settle()

    check()
