"""Each surface's calls leave the expected entries, for successes and refusals alike.

One ``serve --http`` app (in this event loop, so the test reads its store) with
static tokens: alice and bob are operators, carol a reader. MCP and the web API
are called over real HTTP, the ``ops`` command as a subprocess on the same store.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from agent_tools.core.principals import Principal, Role
from agent_tools.surfaces.auth.token_file import TokenFile
from agent_tools.surfaces.mcp.server import build_server
from agent_tools.surfaces.openai_tools import OpenAITools
from tests.access_audit.conftest import accesses, recorded, seen
from tests.auth.conftest import client_with_token
from tests.mcp.conftest import structured, tool_error
from tests.mcp_app.conftest import APPS_EXTENSION
from tests.web.serving import OPS_FILE, Served, serving

COUNTER = {"total_items": 3}
JSON = {"Content-Type": "application/json"}


@dataclass
class Team:
    served: Served
    store_url: str
    tokens: dict[str, str]
    tokens_file: Path

    @property
    def mcp_url(self) -> str:
        return f"{self.served.base_url}/mcp"

    def web(self, who: str | None = None) -> httpx.AsyncClient:
        headers = {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}
        return httpx.AsyncClient(base_url=self.served.base_url, headers=headers, timeout=30)

    async def start(self, who: str) -> str:
        async with client_with_token(self.mcp_url, self.tokens[who]) as client:
            view = structured(
                await client.call_tool(
                    "execute_incrementally",
                    {"operation_type": "counter", "input": COUNTER, "budget_ms": 0},
                )
            )
        return str(view["operation_id"])


@pytest.fixture
async def team(tmp_path: Path) -> AsyncIterator[Team]:
    tokens = TokenFile(tmp_path / "tokens.json")
    by_name = {
        "alice": tokens.create("alice", Role.OPERATOR)[1],
        "bob": tokens.create("bob", Role.OPERATOR)[1],
        "carol": tokens.create("carol", Role.READER)[1],
    }
    async with serving(tmp_path, no_auth=False, tokens_file=tokens.path) as served:
        yield Team(served, f"sqlite:///{tmp_path / 'ops.db'}", by_name, tokens.path)


async def test_mcp_tool_calls_are_recorded_with_principal_operation_and_outcome(
    team: Team,
) -> None:
    alices = await team.start("alice")
    async with client_with_token(team.mcp_url, team.tokens["alice"]) as alice:
        structured(await alice.call_tool("get_progress", {"operation_id": alices}))
        missing = tool_error(await alice.call_tool("get_progress", {"operation_id": "no-such"}))
        invalid = tool_error(await alice.call_tool("get_progress", {"wait_ms": "soon"}))
    async with client_with_token(team.mcp_url, team.tokens["bob"]) as bob:
        hidden = tool_error(await bob.call_tool("get_progress", {"operation_id": alices}))
    async with client_with_token(team.mcp_url, team.tokens["carol"]) as carol:
        role = tool_error(await carol.call_tool("pause", {"operation_id": alices}))
    assert (missing["code"], invalid["code"], role["code"]) == (
        "operation_not_found",
        "invalid_input",
        "role_required",
    )
    assert hidden == {**missing, "message": hidden["message"], "details": hidden["details"]}
    entries = await recorded(
        team.served.engine.store,
        ("alice", "tool.execute_incrementally", alices, "ok"),
        ("alice", "tool.get_progress", alices, "ok"),
        ("alice", "tool.get_progress", "no-such", "operation_not_found"),
        ("alice", "tool.get_progress", None, "invalid_input"),
        ("bob", "tool.get_progress", alices, "operation_not_found"),
        ("carol", "tool.pause", alices, "role_required"),
    )
    assert all(entry.detail.get("surface") == "mcp" for entry in entries)
    assert entries[4].detail.get("not_owner") is True
    assert "not_owner" not in entries[2].detail


async def test_mcp_resource_reads_and_subscriptions_are_recorded(team: Team) -> None:
    alices = await team.start("alice")
    uri = f"agent-tools://operations/{alices}"
    async with client_with_token(team.mcp_url, team.tokens["alice"]) as alice:
        await alice.read_resource(uri)
        async with alice.listen(resource_subscriptions=[uri]) as subscription:
            assert subscription.honored.resource_subscriptions == [uri]
        with pytest.raises(MCPError):
            await alice.read_resource("agent-tools://elsewhere/x")
    async with client_with_token(team.mcp_url, team.tokens["bob"]) as bob:
        with pytest.raises(MCPError):
            await bob.read_resource(uri)
    entries = await recorded(
        team.served.engine.store,
        ("alice", "mcp.resources/read", alices, "ok"),
        ("alice", "mcp.subscriptions/listen", alices, "cancelled"),
        ("alice", "mcp.resources/read", None, "invalid_params"),
        ("bob", "mcp.resources/read", alices, "operation_not_found"),
    )
    assert entries[3].detail == {"not_owner": True}


async def test_requests_refused_with_401_are_recorded_as_anonymous(team: Team) -> None:
    async with team.web() as nobody:
        mcp = await nobody.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        api = await nobody.get("/ui/api/operations")
    async with httpx.AsyncClient(
        base_url=team.served.base_url, headers={"Authorization": "Bearer wrong"}, timeout=30
    ) as forger:
        forged = await forger.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert (mcp.status_code, api.status_code, forged.status_code) == (401, 401, 401)
    entries = [
        entry
        for entry in await accesses(team.served.engine.store)
        if entry.action == "http.request"
    ]
    assert seen(entries) == [("anonymous", "http.request", None, "unauthenticated")] * 3
    assert [dict(entry.detail) for entry in entries] == [
        {"method": "POST", "path": "/mcp"},
        {"method": "GET", "path": "/ui/api/operations"},
        {"method": "POST", "path": "/mcp"},
    ]


async def test_web_api_reads_and_steering_are_recorded_with_refusals(team: Team) -> None:
    alices = await team.start("alice")
    async with team.web("alice") as alice:
        assert (await alice.get(f"/ui/api/operations/{alices}")).status_code == 200
        paused = await alice.post(f"/ui/api/operations/{alices}/pause", content="{}", headers=JSON)
    async with team.web("carol") as carol:
        refused = await carol.post(
            f"/ui/api/operations/{alices}/cancel", content="{}", headers=JSON
        )
    async with team.web("bob") as bob:
        hidden = await bob.get(f"/ui/api/operations/{alices}/results")
    assert (paused.status_code, refused.status_code, hidden.status_code) == (200, 403, 404)
    entries = await recorded(
        team.served.engine.store,
        ("alice", "web.operation", alices, "ok"),
        ("alice", "web.control", alices, "ok"),
        ("carol", "web.control", alices, "role_required"),
        ("bob", "web.results", alices, "operation_not_found"),
    )
    assert entries[1].detail == {"action": "pause"}
    assert entries[2].detail == {"action": "cancel"}
    assert entries[3].detail == {"not_owner": True}


async def test_web_sign_in_and_page_views_are_recorded(team: Team) -> None:
    async with team.web() as browser:
        failed = await browser.post("/ui/login", data={"token": "not-a-token"})
        signed_in = await browser.post("/ui/login", data={"token": team.tokens["carol"]})
        page = await browser.get("/ui")
    assert failed.headers["location"] == "/ui/login?failed=1"
    assert (signed_in.headers["location"], page.status_code) == ("/ui", 200)
    entries = await recorded(
        team.served.engine.store,
        ("anonymous", "web.login", None, "unauthenticated"),
        ("carol", "web.login", None, "ok"),
        ("carol", "web.page", None, "ok"),
    )
    assert entries[2].detail == {"page": "list"}


async def test_openai_calls_are_recorded_for_their_principal(team: Team) -> None:
    engine = team.served.engine
    carol = OpenAITools(engine, principal=Principal("carol", Role.READER))
    listed = json.loads(await carol.call("list_operations", {}))
    refused = json.loads(await carol.call("pause", {"operation_id": "op-x"}))
    unknown = json.loads(await carol.call("no_such_function", {}))
    assert "operations" in listed
    assert (refused["error"]["code"], unknown["error"]["code"]) == (
        "role_required",
        "unknown_function",
    )
    entries = await recorded(
        engine.store,
        ("carol", "tool.list_operations", None, "ok"),
        ("carol", "tool.pause", "op-x", "role_required"),
        ("carol", "tool.no_such_function", None, "unknown_function"),
    )
    assert all(entry.detail == {"surface": "openai"} for entry in entries)


async def test_a_local_mcp_client_and_the_app_only_tool_are_recorded_as_the_local_user(
    team: Team,
) -> None:
    async with Client(build_server(team.served.engine), extensions=[APPS_EXTENSION]) as client:
        view = structured(
            await client.call_tool(
                "execute_incrementally", {"operation_type": "counter", "input": COUNTER}
            )
        )
        operation_id = view["operation_id"]
        structured(await client.call_tool("get_latest_results", {"operation_id": operation_id}))
        tool_error(await client.call_tool("get_latest_results", {"operation_id": "gone"}))
    await recorded(
        team.served.engine.store,
        ("local", "tool.execute_incrementally", operation_id, "ok"),
        ("local", "tool.get_latest_results", operation_id, "ok"),
        ("local", "tool.get_latest_results", "gone", "operation_not_found"),
    )


def _ops(store: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = ["ops", "--store", store, "--ops", OPS_FILE, *arguments]
    return subprocess.run(
        [sys.executable, "-m", "agent_tools.surfaces.cli", *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_ops_commands_are_recorded_with_refusals(team: Team) -> None:
    alices = await team.start("alice")
    shown, hidden, refused = await asyncio.gather(
        asyncio.to_thread(_ops, team.store_url, "--as", "alice", "show", alices),
        asyncio.to_thread(_ops, team.store_url, "--as", "bob", "show", alices),
        asyncio.to_thread(
            _ops, team.store_url, "--as", "carol", "--role", "reader", "pause", alices
        ),
    )
    assert shown.returncode == 0, shown.stderr
    assert "operation_not_found" in hidden.stderr
    assert "role_required" in refused.stderr
    entries = await recorded(
        team.served.engine.store,
        ("alice", "ops.show", alices, "ok"),
        ("bob", "ops.show", alices, "operation_not_found"),
        ("carol", "ops.pause", alices, "role_required"),
    )
    assert entries[1].detail == {"not_owner": True}


async def test_no_entry_holds_input_state_notes_or_tokens(team: Team) -> None:
    secret = "PAYLOAD-7f3a"
    async with client_with_token(team.mcp_url, team.tokens["alice"]) as alice:
        view = structured(
            await alice.call_tool(
                "execute_incrementally",
                {"operation_type": "agent_task", "input": {"goal": secret}},
            )
        )
        await alice.call_tool(
            "record_progress",
            {
                "operation_id": view["operation_id"],
                "completed_steps": [secret],
                "state": {"note": secret},
                "notes": secret,
            },
        )
        await alice.call_tool("get_results", {"operation_id": view["operation_id"]})
    entries = await recorded(
        team.served.engine.store,
        ("alice", "tool.record_progress", view["operation_id"], "ok"),
    )
    everything = json.dumps([repr(entry) for entry in await accesses(team.served.engine.store)])
    assert entries and secret not in everything
    assert all(token not in everything for token in team.tokens.values())


async def test_an_ops_erase_is_one_entry_with_its_counts_and_a_refused_one_is_recorded(
    team: Team,
) -> None:
    bobs = await team.start("bob")
    erase = ("erase", "--owner", "bob", "--tokens-file", str(team.tokens_file))
    refused = await asyncio.to_thread(_ops, team.store_url, "--as", "bob", *erase)
    erased = await asyncio.to_thread(_ops, team.store_url, *erase)
    assert "role_required" in refused.stderr
    assert erased.returncode == 0, erased.stderr
    entries = await recorded(
        team.served.engine.store,
        ("bob", "ops.erase", None, "role_required"),
        ("local", "ops.erase", None, "ok"),
    )
    assert entries[0].detail == {"owner": "bob"}
    assert entries[1].detail == {"owner": "bob", "operations": 1, "cancelled": 1, "tokens": 1}
    erase_entries = [e for e in await accesses(team.served.engine.store) if e.action == "ops.erase"]
    assert len(erase_entries) == 2
    assert bobs not in repr(erase_entries)
