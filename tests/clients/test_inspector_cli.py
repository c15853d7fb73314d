"""The MCP Inspector's CLI mode (``inspector --cli``) against a real server, stdio and HTTP.

Each call is one Inspector run: it connects, sends one method, prints the result as
JSON and exits (5 when a tool result has ``isError``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_tools.surfaces.tool_catalog import TOOLS
from tests.clients.conftest import INSPECTOR, NODE
from tests.mcp.conftest import (
    MCP_OPS,
    HttpServer,
    serve_arguments,
    server_environment,
    start_http_server,
)

CONNECT_TIMEOUT_MS = 120_000
RUN_DEADLINE_S = 240
TOOL_ERROR_EXIT = 5
TOOL_NAMES = [spec.name for spec in TOOLS]
PROMPTS = {"start_long_task", "resume_operation", "report_on_operation"}


class Inspector:
    """Runs ``inspector --cli`` against one target (a stdio command or an HTTP URL)."""

    def __init__(self, target: list[str], folder: Path) -> None:
        self._target = target
        self._folder = folder

    def run(self, method: str, *options: str) -> tuple[int, dict[str, Any]]:
        """The exit code and the first JSON document the Inspector printed."""
        finished = subprocess.run(
            [
                str(NODE),
                str(INSPECTOR),
                "--cli",
                "--connect-timeout",
                str(CONNECT_TIMEOUT_MS),
                *self._target,
                "--method",
                method,
                *options,
            ],
            capture_output=True,
            text=True,
            timeout=RUN_DEADLINE_S,
            cwd=self._folder,
            env={**server_environment(), "MCP_CATALOG_PATH": str(self._folder / "catalog.json")},
            check=False,
        )
        assert finished.stdout.strip(), finished.stderr
        document, _ = json.JSONDecoder().raw_decode(finished.stdout.strip())
        return finished.returncode, document

    def call(self, tool: str, **arguments: Any) -> tuple[int, dict[str, Any]]:
        pairs = [
            f"{name}={value if isinstance(value, str) else json.dumps(value)}"
            for name, value in arguments.items()
        ]
        return self.run("tools/call", "--tool-name", tool, "--tool-arg", *pairs)


@pytest.fixture(scope="module", params=["stdio", "http"])
def inspector(
    request: pytest.FixtureRequest,
    installed_clients: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Inspector]:
    folder = tmp_path_factory.mktemp(f"inspector-{request.param}")
    store_url = f"sqlite:///{folder / 'operations.db'}"
    server: HttpServer | None = None
    if request.param == "stdio":
        target = [sys.executable, *serve_arguments(store_url, ops=(MCP_OPS,))]
    else:
        server = start_http_server(store_url)
        target = [server.url]
    yield Inspector(target, folder)
    if server is not None:
        server.stop()


@pytest.fixture(scope="module")
def completed(inspector: Inspector) -> dict[str, Any]:
    """An operation the Inspector ran to the end with one tools/call."""
    code, result = inspector.call(
        "execute_incrementally",
        operation_type="counter",
        input={"total_items": 3},
        budget_ms=30_000,
    )
    assert code == 0, result
    structured: dict[str, Any] = result["structuredContent"]
    return structured


def test_tools_list_shows_every_tool_with_its_schemas(inspector: Inspector) -> None:
    code, listed = inspector.run("tools/list")
    assert code == 0, listed
    tools = {tool["name"]: tool for tool in listed["tools"]}
    assert set(TOOL_NAMES) <= set(tools)
    assert all("outputSchema" in tools[name] for name in TOOL_NAMES)


def test_tools_call_runs_an_operation_to_its_result(completed: dict[str, Any]) -> None:
    assert completed["status"] == "completed"
    assert completed["result"] == {"count": 3}
    assert [item["seq"] for item in completed["items"]] == [1, 2, 3]


def test_a_tool_error_reaches_the_inspector_with_code_and_hint(inspector: Inspector) -> None:
    code, result = inspector.call("get_progress", operation_id="op-missing")
    assert code == TOOL_ERROR_EXIT
    assert result["isError"] is True
    assert "structuredContent" not in result
    line, body = (block["text"] for block in result["content"])
    error = json.loads(body)["error"]
    assert error["code"] == "operation_not_found"
    assert line.startswith("[operation_not_found]") and error["hint"] in line


def test_resources_list_and_read_show_the_operation(
    inspector: Inspector, completed: dict[str, Any]
) -> None:
    uri = f"agent-tools://operations/{completed['operation_id']}"
    code, listed = inspector.run("resources/list")
    assert code == 0, listed
    assert uri in [resource["uri"] for resource in listed["resources"]]
    code, read = inspector.run("resources/read", "--uri", uri)
    assert code == 0, read
    assert json.loads(read["contents"][0]["text"])["status"] == "completed"


def test_prompts_list_offers_the_three_prompts(inspector: Inspector) -> None:
    code, listed = inspector.run("prompts/list")
    assert code == 0, listed
    assert {prompt["name"] for prompt in listed["prompts"]} == PROMPTS
