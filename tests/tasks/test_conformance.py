"""The official MCP conformance suite's tasks scenarios against a real ``serve --http``.

``tasks-status-notifications`` is not run: in 0.2.0-alpha.12 it is a placeholder
that reports SKIPPED without contacting the server.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mcp.conftest import HttpServer, start_http_server
from tests.tasks.conftest import CONFORMANCE_OPS, NODE_BIN

SCENARIO_DEADLINE_S = 300
PASSING_SCENARIOS = [
    "tasks-lifecycle",
    "tasks-capability-negotiation",
    "tasks-wire-fields",
    "tasks-request-state-removal",
    "tasks-request-headers",
    "tasks-dispatch-and-envelope",
    "tasks-required-task-error",
    "tasks-mrtr-composition",
    "tasks-mrtr-input",
    "tools-list",
    "tools-call-simple-text",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    store = tmp_path_factory.mktemp("conformance") / "operations.db"
    running = start_http_server(
        f"sqlite:///{store}", "--expose-operation-tools", ops=(CONFORMANCE_OPS,)
    )
    yield running
    running.stop()


def run_scenario(runner: Path, url: str, scenario: str, output: Path) -> dict[str, list[str]]:
    """Run one scenario; the check ids by status, from the runner's checks.json."""
    environment = {**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ['PATH']}"}
    completed = subprocess.run(
        [str(runner), "server", "--url", url, "--scenario", scenario, "-o", str(output)],
        check=False,
        env=environment,
        capture_output=True,
        text=True,
        timeout=SCENARIO_DEADLINE_S,
    )
    reports = list(output.glob("*/checks.json"))
    assert len(reports) == 1, completed.stdout + completed.stderr
    by_status: dict[str, list[str]] = {}
    for check in json.loads(reports[0].read_text()):
        by_status.setdefault(check["status"], []).append(check["id"])
    return by_status


@pytest.mark.parametrize("scenario", PASSING_SCENARIOS)
def test_scenario_passes_every_check(
    scenario: str, conformance_runner: Path, server: HttpServer, tmp_path: Path
) -> None:
    by_status = run_scenario(conformance_runner, server.url, scenario, tmp_path)
    assert by_status.get("SUCCESS"), by_status
    assert set(by_status) <= {"SUCCESS", "INFO"}, by_status
