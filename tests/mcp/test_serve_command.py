"""``agent-tools serve``: default store, environment options, startup errors, HTTP safety."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.mcp.conftest import (
    MCP_OPS,
    ConnectFactory,
    HttpServer,
    server_environment,
    start_http_server,
)
from tests.mcp.helpers import call

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


def run_serve(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run ``serve`` over stdio with stdin closed at once: it starts, sees EOF and exits."""
    return subprocess.run(
        [sys.executable, "-m", "agent_tools.surfaces.cli", "serve", *arguments],
        input="",
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=server_environment(**environment),
    )


def test_the_default_store_is_a_sqlite_file_created_in_the_data_dir(tmp_path: Path) -> None:
    completed = run_serve(XDG_DATA_HOME=str(tmp_path))
    expected = tmp_path / "agent-tools" / "operations.db"
    assert completed.returncode == 0, completed.stderr
    assert str(expected) in completed.stderr
    assert expected.exists()
    assert completed.stdout == ""


def test_the_store_can_come_from_the_environment(tmp_path: Path) -> None:
    store = tmp_path / "from-env.db"
    completed = run_serve(AGENT_TOOLS_STORE=f"sqlite:///{store}")
    assert completed.returncode == 0, completed.stderr
    assert str(store) in completed.stderr


def test_an_ops_module_that_cannot_load_stops_the_server_with_a_clear_message(
    tmp_path: Path,
) -> None:
    completed = run_serve(
        "--store", f"sqlite:///{tmp_path / 'ops.db'}", "--ops", "no_such_module_anywhere"
    )
    assert completed.returncode == 2
    assert "operations_load_failed" in completed.stderr
    assert "no_such_module_anywhere" in completed.stderr


def test_http_refuses_a_foreign_host_header(tmp_path: Path, http_servers: list[HttpServer]) -> None:
    server = start_http_server(f"sqlite:///{tmp_path / 'ops.db'}")
    http_servers.append(server)
    rebound = server.url.replace("127.0.0.1", "attacker.example")
    response = httpx.post(
        server.url,
        json=INITIALIZE,
        headers={**MCP_HEADERS, "Host": httpx.URL(rebound).netloc.decode()},
    )
    assert response.status_code == 421


def test_http_refuses_a_foreign_origin(tmp_path: Path, http_servers: list[HttpServer]) -> None:
    server = start_http_server(f"sqlite:///{tmp_path / 'ops.db'}")
    http_servers.append(server)
    foreign = httpx.post(
        server.url, json=INITIALIZE, headers={**MCP_HEADERS, "Origin": "http://attacker.example"}
    )
    local = httpx.post(
        server.url, json=INITIALIZE, headers={**MCP_HEADERS, "Origin": "http://localhost:3000"}
    )
    assert foreign.status_code == 403
    assert local.status_code == 200


def test_http_binds_to_loopback_by_default(tmp_path: Path, http_servers: list[HttpServer]) -> None:
    server = start_http_server(f"sqlite:///{tmp_path / 'ops.db'}")
    http_servers.append(server)
    assert server.url.startswith("http://127.0.0.1:")
    assert server.url.endswith("/mcp")


async def test_operations_can_be_named_in_the_environment(connect: ConnectFactory) -> None:
    async with connect(ops=(), AGENT_TOOLS_OPS=MCP_OPS) as client:
        described = await call(client, "describe_operation_types")
    assert "counter" in {info["name"] for info in described["operation_types"]}
