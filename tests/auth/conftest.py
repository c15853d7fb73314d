"""Authenticated ``serve --http`` servers, their tokens, and MCP clients sending a bearer token."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from agent_tools.core.principals import Role
from agent_tools.surfaces.auth.token_file import TokenFile
from tests.mcp.conftest import HttpServer, start_http_server
from tests.tasks.conftest import CONFORMANCE_OPS
from tests.tasks.wire import WireClient


@asynccontextmanager
async def client_with_token(url: str, token: str, **options: Any) -> AsyncIterator[Client]:
    """The official MCP client over streamable HTTP, sending ``Authorization: Bearer token``.

    ``options`` go to :class:`mcp.Client` (e.g. ``mode="legacy"``).
    """
    async with create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}) as http:
        transport = streamable_http_client(url, http_client=http)
        async with Client(transport, read_timeout_seconds=60, **options) as client:
            yield client


@dataclass
class TokenServer:
    """A server that accepts the static tokens of ``tokens``; one token per role is made."""

    server: HttpServer
    tokens: TokenFile
    store_url: str
    by_role: dict[Role, str]

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TokenServer]:
    folder = tmp_path_factory.mktemp("token-server")
    tokens = TokenFile(folder / "tokens.json")
    by_role = {role: tokens.create(f"{role.value}-user", role)[1] for role in Role}
    store_url = f"sqlite:///{folder / 'operations.db'}"
    server = start_http_server(
        store_url, authenticated=True, AGENT_TOOLS_TOKENS_FILE=str(tokens.path)
    )
    yield TokenServer(server, tokens, store_url, by_role)
    server.stop()


ALICE, BOB = "alice", "bob"


@dataclass
class TeamServer:
    """A server shared by alice (a token of every role) and bob (an operator)."""

    server: HttpServer
    alice: dict[Role, str]
    bob: str


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamServer]:
    folder = tmp_path_factory.mktemp("team")
    tokens = TokenFile(folder / "tokens.json")
    alice = {role: tokens.create(ALICE, role)[1] for role in Role}
    bob = tokens.create(BOB, Role.OPERATOR)[1]
    server = start_http_server(
        f"sqlite:///{folder / 'operations.db'}",
        authenticated=True,
        AGENT_TOOLS_TOKENS_FILE=str(tokens.path),
    )
    yield TeamServer(server, alice, bob)
    server.stop()


@pytest.fixture
def tokens_path(tmp_path: Path) -> Path:
    return tmp_path / "tokens.json"


@dataclass
class TaskTeam:
    """A server exposing the conformance task tools, and task clients for alice and bob."""

    server: HttpServer
    store_url: str
    alice: WireClient
    bob: WireClient


def start_task_team(folder: Path) -> TaskTeam:
    """Start it on a SQLite store in ``folder``; both are operators. Stop ``server`` after."""
    tokens = TokenFile(folder / "tokens.json")
    alice = tokens.create(ALICE, Role.OPERATOR)[1]
    bob = tokens.create(BOB, Role.OPERATOR)[1]
    store_url = f"sqlite:///{folder / 'operations.db'}"
    server = start_http_server(
        store_url,
        "--expose-operation-tools",
        ops=(CONFORMANCE_OPS,),
        authenticated=True,
        AGENT_TOOLS_TOKENS_FILE=str(tokens.path),
    )
    return TaskTeam(
        server,
        store_url,
        WireClient(server.url, headers={"Authorization": f"Bearer {alice}"}),
        WireClient(server.url, headers={"Authorization": f"Bearer {bob}"}),
    )
