"""Claude Code's ``claude mcp add`` and ``claude mcp list``: our server shows as Connected.

Both commands work without an API key or a login: ``mcp list`` starts each
configured server, initialises it and reports its health. The test runs Claude Code
with a home folder of its own, so no real configuration is read or written, and adds a
server that cannot start, so a check that always said Connected would fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.conftest import CLAUDE
from tests.mcp.conftest import HttpServer, serve_arguments, server_environment, start_http_server

RUN_DEADLINE_S = 300
SERVER_START_TIMEOUT_MS = "120000"
CONNECTED = "✔ Connected"


def claude(home: Path, project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **server_environment(),
        "HOME": str(home),
        "DISABLE_AUTOUPDATER": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "MCP_TIMEOUT": SERVER_START_TIMEOUT_MS,
    }
    environment.pop("ANTHROPIC_API_KEY", None)
    return subprocess.run(
        [str(CLAUDE), *arguments],
        capture_output=True,
        text=True,
        cwd=project,
        env=environment,
        timeout=RUN_DEADLINE_S,
        check=False,
    )


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    folder = tmp_path_factory.mktemp("claude-http")
    server = start_http_server(f"sqlite:///{folder / 'operations.db'}")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def listed(
    installed_clients: None, http_server: HttpServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """``claude mcp list``'s line for each server added with ``claude mcp add``."""
    home = tmp_path_factory.mktemp("claude-home")
    project = tmp_path_factory.mktemp("claude-project")
    store_url = f"sqlite:///{project / 'operations.db'}"
    stdio_command = [sys.executable, *serve_arguments(store_url)]
    broken_command = [sys.executable, *serve_arguments("nosuchstore://x")]
    for name, arguments in [
        ("agent-tools", ["--", *stdio_command]),
        ("agent-tools-http", ["--transport", "http", http_server.url]),
        ("agent-tools-broken", ["--", *broken_command]),
    ]:
        added = claude(home, project, "mcp", "add", name, *arguments)
        assert added.returncode == 0, added.stderr + added.stdout
    listing = claude(home, project, "mcp", "list")
    assert listing.returncode == 0, listing.stderr + listing.stdout
    lines: dict[str, str] = {}
    for line in listing.stdout.splitlines():
        name, separator, rest = line.partition(": ")
        if separator:
            lines[name] = rest
    assert (home / ".claude.json").exists() and os.path.getsize(home / ".claude.json") > 0
    return lines


def test_a_stdio_server_added_with_claude_mcp_add_is_connected(listed: dict[str, str]) -> None:
    assert listed["agent-tools"].endswith(CONNECTED), listed


def test_an_http_server_added_with_claude_mcp_add_is_connected(listed: dict[str, str]) -> None:
    assert listed["agent-tools-http"].endswith(CONNECTED), listed


def test_a_server_that_cannot_start_is_not_reported_connected(listed: dict[str, str]) -> None:
    assert CONNECTED not in listed["agent-tools-broken"], listed
