"""Real servers for the MCP tests: ``agent-tools serve`` as a subprocess, over stdio or HTTP."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MCP_OPS = str(FIXTURES / "mcp_ops.py")
STARTUP_DEADLINE_S = 60.0
URL_PATTERN = re.compile(r"serving MCP at (\S+)")

TEST_ENVIRONMENT = {
    "AGENT_TOOLS_LEASE_TTL_S": "2",
    "AGENT_TOOLS_INLINE_LEASE_GRACE_S": "1",
}


def serve_arguments(store_url: str, *extra: str, ops: tuple[str, ...] = (MCP_OPS,)) -> list[str]:
    """``python -m agent_tools.surfaces.cli serve ...`` for a test store and test operations."""
    arguments = ["-m", "agent_tools.surfaces.cli", "serve", "--store", store_url]
    for source in ops:
        arguments += ["--ops", source]
    return [*arguments, *extra]


def server_environment(**extra: str) -> dict[str, str]:
    inherited = {
        name: value for name, value in os.environ.items() if not name.startswith("AGENT_TOOLS_")
    }
    return {**inherited, **TEST_ENVIRONMENT, **extra}


@dataclass
class HttpServer:
    """A ``serve --http`` subprocess on a free port; ``url`` is its /mcp endpoint."""

    process: subprocess.Popen[str]
    url: str
    stderr_lines: list[str] = field(default_factory=list)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a crash."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def start_http_server(
    store_url: str,
    *extra: str,
    ops: tuple[str, ...] = (MCP_OPS,),
    authenticated: bool = False,
    **environment: str,
) -> HttpServer:
    """Start a server on port 0 and wait for the URL it prints to stderr.

    Unless ``authenticated``, it runs with ``--no-auth`` on loopback, as a local client's
    server would; authentication tests pass their tokens file or OAuth settings instead.
    """
    auth = () if authenticated else ("--no-auth",)
    process = subprocess.Popen(
        [
            sys.executable,
            *serve_arguments(store_url, "--http", "--port", "0", *auth, *extra, ops=ops),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=server_environment(**environment),
    )
    lines: list[str] = []
    found = threading.Event()
    url_holder: list[str] = []

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            match = URL_PATTERN.search(line)
            if match and not found.is_set():
                url_holder.append(match.group(1))
                found.set()

    threading.Thread(target=read_stderr, daemon=True).start()
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while not found.wait(0.05):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("server did not start:\n" + "".join(lines))
    return HttpServer(process, url_holder[0], lines)


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'operations.db'}"


@pytest.fixture
def http_servers() -> Iterator[list[HttpServer]]:
    """Servers a test starts; each is stopped afterwards."""
    servers: list[HttpServer] = []
    yield servers
    for server in servers:
        server.stop()


ConnectFactory = Callable[..., AbstractAsyncContextManager[Client]]


@pytest.fixture(params=["stdio", "http"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def connect(
    transport: str, store_url: str, tmp_path: Path, http_servers: list[HttpServer]
) -> ConnectFactory:
    """``async with connect(*extra_args) as client``: a real server and the official client.

    ``client_options`` go to ``mcp.Client`` (``mode="legacy"`` for the 2025-era handshake).
    """

    @asynccontextmanager
    async def connected(
        *extra: str,
        ops: tuple[str, ...] = (MCP_OPS,),
        client_options: dict[str, Any] | None = None,
        **environment: str,
    ) -> AsyncIterator[Client]:
        options = {"read_timeout_seconds": 60, **(client_options or {})}
        if transport == "stdio":
            parameters = StdioServerParameters(
                command=sys.executable,
                args=serve_arguments(store_url, *extra, ops=ops),
                env=server_environment(**environment),
                cwd=str(tmp_path),
            )
            async with Client(parameters, **options) as client:
                yield client
        else:
            server = start_http_server(store_url, *extra, ops=ops, **environment)
            http_servers.append(server)
            async with Client(server.url, **options) as client:
                yield client

    return connected


def structured(result: Any) -> dict[str, Any]:
    """The structured content of a successful tool result."""
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def tool_error(result: Any) -> dict[str, Any]:
    """The ``{"code", "message", "hint"}`` of an ``isError`` tool result."""
    assert result.is_error, result.structured_content
    assert result.structured_content is None
    line, body = (block.text for block in result.content)
    error = json.loads(body)["error"]
    assert error["code"] in line and error["hint"] in line
    return dict(error)
