"""The official MCP conformance suite's generic server scenarios against ``serve --http``.

Issue 11 lists these as the scenarios every server must pass; they cover the
handshake, ping, tools, resources, prompts, caching hints, completion, the HTTP
transport's session, header and DNS-rebinding rules, and resource-not-found errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client

from tests.mcp.conftest import HttpServer, start_http_server
from tests.tasks.conftest import CONFORMANCE_OPS
from tests.tasks.test_conformance import run_scenario

GENERIC_SCENARIOS = [
    "server-initialize",
    "ping",
    "tools-list",
    "tools-call-error",
    "resources-list",
    "prompts-list",
    "completion-complete",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
    "server-session-lifecycle",
    "http-header-validation",
    "caching",
    "sep-2164-resource-not-found",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    store = tmp_path_factory.mktemp("conformance-generic") / "operations.db"
    running = start_http_server(
        f"sqlite:///{store}", "--expose-operation-tools", ops=(CONFORMANCE_OPS,)
    )
    asyncio.run(_start_one_operation(running.url))
    yield running
    running.stop()


async def _start_one_operation(url: str) -> None:
    """One stored operation, so ``resources/list`` has a resource whose read ``caching`` checks."""
    async with Client(url, read_timeout_seconds=60) as client:
        result = await client.call_tool(
            "execute_incrementally", {"operation_type": "greet", "input": {"name": "conformance"}}
        )
        assert not result.is_error, result.content


@pytest.mark.parametrize("scenario", GENERIC_SCENARIOS)
def test_generic_scenario_passes_every_check(
    scenario: str, conformance_runner: Path, server: HttpServer, tmp_path: Path
) -> None:
    by_status = run_scenario(conformance_runner, server.url, scenario, tmp_path)
    assert by_status.get("SUCCESS"), by_status
    assert set(by_status) <= {"SUCCESS", "INFO"}, by_status
