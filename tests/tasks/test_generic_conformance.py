"""The conformance suite's generic server scenarios against a real ``serve --http``.

The server holds one operation before the scenarios run, so ``resources/list`` has
something to list and the caching scenario can read a resource.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mcp.conftest import HttpServer, start_http_server
from tests.tasks.conftest import CONFORMANCE_OPS
from tests.tasks.test_conformance import run_scenario
from tests.tasks.wire import WireClient

GENERIC_SCENARIOS = [
    "server-initialize",
    "ping",
    "tools-list",
    "tools-call-error",
    "resources-list",
    "prompts-list",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
    "server-session-lifecycle",
    "http-header-validation",
    "caching",
    "sep-2164-resource-not-found",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    store = tmp_path_factory.mktemp("generic-conformance") / "operations.db"
    running = start_http_server(f"sqlite:///{store}", ops=(CONFORMANCE_OPS,))
    seeded = WireClient(running.url, with_tasks=False).call_tool(
        "execute_incrementally", {"operation_type": "agent_task", "input": {"goal": "seed"}}
    )
    assert not seeded.get("isError"), seeded
    yield running
    running.stop()


@pytest.mark.parametrize("scenario", GENERIC_SCENARIOS)
def test_generic_scenario_passes_every_check(
    scenario: str, conformance_runner: Path, server: HttpServer, tmp_path: Path
) -> None:
    by_status = run_scenario(conformance_runner, server.url, scenario, tmp_path)
    assert by_status.get("SUCCESS"), by_status
    assert set(by_status) <= {"SUCCESS", "INFO"}, by_status
