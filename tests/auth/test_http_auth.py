"""HTTP needs a bearer token: without one a request gets 401 and nothing runs or is stored."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from agent_tools.core.principals import Role
from agent_tools.runtime.engine import Engine
from tests.auth.conftest import TokenServer, client_with_token
from tests.mcp.conftest import serve_arguments, server_environment, structured, tool_error

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "1"},
    },
}
START = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {
        "name": "execute_incrementally",
        "arguments": {"operation_type": "counter", "input": {"total_items": 2}},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


async def _operation_count(store_url: str) -> int:
    async with Engine.from_url(store_url) as engine:
        return len((await engine.list_operations(limit=200)).operations)


@pytest.mark.parametrize(
    "authorization", [None, "Bearer nope", "Bearer agt_0000_forged", "Basic x"]
)
async def test_a_request_without_valid_credentials_gets_401_and_nothing_is_stored(
    token_server: TokenServer, authorization: str | None
) -> None:
    headers = dict(MCP_HEADERS)
    if authorization:
        headers["Authorization"] = authorization
    async with httpx.AsyncClient() as http:
        for body in (INITIALIZE, START):
            response = await http.post(token_server.url, json=body, headers=headers)
            assert response.status_code == 401
            challenge = response.headers["www-authenticate"]
            assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge
    assert await _operation_count(token_server.store_url) == 0


async def test_a_valid_token_lists_the_tools_and_runs_an_operation(
    token_server: TokenServer,
) -> None:
    async with client_with_token(token_server.url, token_server.by_role[Role.OPERATOR]) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        view = structured(
            await client.call_tool(
                "execute_incrementally",
                {"operation_type": "counter", "input": {"total_items": 2}, "budget_ms": 5000},
            )
        )
    assert "execute_incrementally" in tools
    assert view["status"] == "completed"


async def test_a_reader_may_look_but_not_start_work(token_server: TokenServer) -> None:
    async with client_with_token(token_server.url, token_server.by_role[Role.READER]) as client:
        listed = structured(await client.call_tool("list_operations", {}))
        refused = tool_error(
            await client.call_tool(
                "execute_incrementally", {"operation_type": "counter", "input": {"total_items": 1}}
            )
        )
    assert "operations" in listed
    assert refused["code"] == "role_required"
    assert refused["details"]["required_role"] == "operator"


async def test_a_revoked_token_is_refused_by_the_running_server(
    token_server: TokenServer,
) -> None:
    record, token = token_server.tokens.create("temporary", Role.OPERATOR)
    async with client_with_token(token_server.url, token) as client:
        structured(await client.call_tool("list_operations", {}))
    token_server.tokens.revoke(record.token_id)
    async with httpx.AsyncClient() as http:
        response = await http.post(
            token_server.url,
            json=INITIALIZE,
            headers={**MCP_HEADERS, "Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 401


def _serve(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run ``serve --http`` expecting it to refuse to start."""
    return subprocess.run(
        [sys.executable, *serve_arguments("memory://", "--http", "--port", "0", *arguments)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=server_environment(**environment),
    )


def test_no_auth_is_refused_unless_bound_to_loopback() -> None:
    refused = _serve("--host", "0.0.0.0", "--no-auth")
    assert refused.returncode == 2
    assert "[auth_not_configured]" in refused.stderr and "--no-auth is refused" in refused.stderr


def test_no_auth_from_the_environment_is_refused_on_a_public_bind_too() -> None:
    refused = _serve("--host", "0.0.0.0", AGENT_TOOLS_NO_AUTH="1")
    assert refused.returncode == 2 and "--no-auth is refused" in refused.stderr


def test_http_without_any_credential_source_refuses_to_start(tokens_path: Path) -> None:
    refused = _serve(AGENT_TOOLS_TOKENS_FILE=str(tokens_path))
    assert refused.returncode == 2
    assert "agent-tools tokens create" in refused.stderr


def _tokens(tokens_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_tools.surfaces.cli", "tokens", *arguments],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=server_environment(AGENT_TOOLS_TOKENS_FILE=str(tokens_path)),
    )


def test_tokens_create_prints_the_token_once_and_keeps_only_its_hash(tokens_path: Path) -> None:
    created = _tokens(tokens_path, "create", "--principal", "alice", "--role", "operator")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("agt_") and len(token) > 40
    stored = tokens_path.read_text()
    assert token not in stored and token.split("_")[-1] not in stored
    assert json.loads(stored)["tokens"][0]["principal"] == "alice"
    assert tokens_path.stat().st_mode & 0o777 == 0o600
    listed = _tokens(tokens_path, "list")
    assert "alice\toperator" in listed.stdout and token not in listed.stdout


def test_tokens_revoke_removes_the_token_and_an_unknown_id_is_a_clear_error(
    tokens_path: Path,
) -> None:
    _tokens(tokens_path, "create", "--principal", "bob", "--role", "reader")
    token_id = _tokens(tokens_path, "list").stdout.split("\t")[0]
    assert _tokens(tokens_path, "revoke", token_id).returncode == 0
    assert _tokens(tokens_path, "list").stdout == ""
    unknown = _tokens(tokens_path, "revoke", token_id)
    assert unknown.returncode == 2 and "[token_not_found]" in unknown.stderr
