"""Real servers and the official Python client, with and without MCP Apps negotiated."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from mcp.client import advertise
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID

from tests.mcp.conftest import (
    MCP_OPS,
    HttpServer,
    serve_arguments,
    server_environment,
    start_http_server,
)

APPS_EXTENSION = advertise(EXTENSION_ID, {"mimeTypes": [APP_MIME_TYPE]})

ConnectFactory = Callable[..., AbstractAsyncContextManager[Client]]


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'operations.db'}"


@pytest.fixture
def http_servers() -> Iterator[list[HttpServer]]:
    servers: list[HttpServer] = []
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(params=["stdio", "http"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def connect(
    transport: str, store_url: str, tmp_path: Path, http_servers: list[HttpServer]
) -> ConnectFactory:
    """``async with connect(*serve_args, apps=True) as client`` over the test's transport."""

    @asynccontextmanager
    async def connected(
        *extra: str,
        apps: bool,
        mode: str = "auto",
        ops: tuple[str, ...] = (MCP_OPS,),
        **environment: str,
    ) -> AsyncIterator[Client]:
        extensions = [APPS_EXTENSION] if apps else None
        if transport == "stdio":
            server: StdioServerParameters | str = StdioServerParameters(
                command=sys.executable,
                args=serve_arguments(store_url, *extra, ops=ops),
                env=server_environment(**environment),
                cwd=str(tmp_path),
            )
        else:
            http = start_http_server(store_url, *extra, ops=ops, **environment)
            http_servers.append(http)
            server = http.url
        async with Client(
            server,
            read_timeout_seconds=60,
            extensions=extensions,
            mode=mode,  # type: ignore[arg-type]
        ) as client:
            yield client

    return connected
