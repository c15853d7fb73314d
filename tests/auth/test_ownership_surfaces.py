"""Ownership beyond the tools: resources, task methods, the ``ops`` command and the engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from mcp.shared.exceptions import MCPError

from agent_tools.core.errors import InvalidInputError, OperationNotFoundError
from agent_tools.core.principals import Principal, Role, acting_as
from agent_tools.core.registry import OperationRegistry
from agent_tools.runtime.engine import Engine
from agent_tools.runtime.loading import load_operations
from tests.auth.conftest import TeamServer, client_with_token, start_task_team
from tests.mcp.conftest import structured
from tests.tasks.wire import RpcError

ALICE = Principal("alice", Role.OPERATOR)
BOB = Principal("bob", Role.OPERATOR)
COUNTER = {"total_items": 3}


def _engine(store: str) -> Engine:
    """An engine with the built-in operation types, as ``serve`` and ``ops`` load them."""
    return Engine.from_url(store, registry=load_operations([], OperationRegistry()))


async def _start_counter(team: TeamServer, token: str) -> str:
    async with client_with_token(team.server.url, token) as client:
        view = structured(
            await client.call_tool(
                "execute_incrementally",
                {"operation_type": "counter", "input": COUNTER, "budget_ms": 0},
            )
        )
    return str(view["operation_id"])


async def test_another_principals_operation_is_no_resource(team: TeamServer) -> None:
    bobs = await _start_counter(team, team.bob)
    alices = await _start_counter(team, team.alice[Role.OPERATOR])
    async with client_with_token(team.server.url, team.alice[Role.READER]) as client:
        listed = {str(resource.uri) for resource in (await client.list_resources()).resources}
        own = await client.read_resource(f"agent-tools://operations/{alices}")
        with pytest.raises(MCPError) as refused:
            await client.read_resource(f"agent-tools://operations/{bobs}")
    assert f"agent-tools://operations/{alices}" in listed
    assert f"agent-tools://operations/{bobs}" not in listed
    assert alices in own.contents[0].text  # type: ignore[union-attr]
    assert "operation_not_found" in str(refused.value.error.data)


async def test_another_principals_operation_cannot_be_subscribed_to(team: TeamServer) -> None:
    bobs = f"agent-tools://operations/{await _start_counter(team, team.bob)}"
    alices = f"agent-tools://operations/{await _start_counter(team, team.alice[Role.OPERATOR])}"
    reader = team.alice[Role.READER]
    async with client_with_token(team.server.url, reader, mode="legacy") as client:
        await client.subscribe_resource(alices)
        with pytest.raises(MCPError) as refused:
            await client.subscribe_resource(bobs)
    assert "operation_not_found" in str(refused.value.error.data)
    async with client_with_token(team.server.url, reader) as client:
        async with client.listen(resource_subscriptions=[alices]) as subscription:
            assert subscription.honored.resource_subscriptions == [alices]
        with pytest.raises(MCPError) as refused:
            async with client.listen(resource_subscriptions=[bobs]):
                pass
    assert "operation_not_found" in str(refused.value.error.data)


def test_task_methods_answer_unknown_task_for_another_principals_task(tmp_path: Path) -> None:
    team = start_task_team(tmp_path)
    server, as_alice, as_bob = team.server, team.alice, team.bob
    try:
        task_id = as_bob.call_tool("slow_compute", {"seconds": 30, "label": "bob's"})["taskId"]
        refusals = []
        for method, params in (
            ("tasks/get", {"taskId": task_id}),
            ("tasks/cancel", {"taskId": task_id}),
            ("tasks/update", {"taskId": task_id, "inputResponses": {}}),
        ):
            with pytest.raises(RpcError) as refused:
                as_alice.request(method, params)
            refusals.append(str(refused.value))
        still_working = as_bob.get_task(task_id)
        as_bob.request("tasks/cancel", {"taskId": task_id})
    finally:
        server.stop()
    assert refusals == [f"Unknown task {task_id!r}."] * 3
    assert still_working["status"] == "working"


@pytest.fixture
def shared_store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'operations.db'}"


async def _start_as(store: str, principal: Principal) -> str:
    async with _engine(store) as engine:
        with acting_as(principal):
            view = await engine.execute_incrementally("agent_task", {"goal": principal.name})
    return view.operation_id


def _ops(store: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_tools.surfaces.cli", "ops", "--store", store, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_the_ops_command_as_a_principal_sees_only_its_own_operations(
    shared_store: str,
) -> None:
    alices = await _start_as(shared_store, ALICE)
    bobs = await _start_as(shared_store, BOB)
    listed = _ops(shared_store, "--as", "alice", "--json", "list")
    other = _ops(shared_store, "--as", "alice", "show", bobs)
    everyone = _ops(shared_store, "--json", "list")
    assert listed.returncode == 0, listed.stderr
    assert [entry["operation_id"] for entry in json.loads(listed.stdout)["operations"]] == [alices]
    assert other.returncode == 2 and "operation_not_found" in other.stderr
    assert {entry["operation_id"] for entry in json.loads(everyone.stdout)["operations"]} == {
        alices,
        bobs,
    }


async def test_the_ops_command_checks_the_role_of_the_principal_it_acts_for(
    shared_store: str,
) -> None:
    alices = await _start_as(shared_store, ALICE)
    refused = _ops(shared_store, "--as", "alice", "--role", "reader", "cancel", alices)
    shown = _ops(shared_store, "--as", "alice", "--role", "reader", "show", alices)
    assert refused.returncode == 2 and "role_required" in refused.stderr
    assert shown.returncode == 0, shown.stderr


async def test_the_library_runs_as_the_local_admin_who_owns_and_sees_everything() -> None:
    async with _engine("memory://") as engine:
        with acting_as(BOB):
            bobs = await engine.execute_incrementally("agent_task", {"goal": "b"})
        mine = await engine.execute_incrementally("agent_task", {"goal": "local"})
        seen = await engine.get_progress(bobs.operation_id)
        detail = await engine.inspect(mine.operation_id)
    assert seen.operation_id == bobs.operation_id
    assert detail.owner == "local"


async def test_only_an_admin_may_start_an_operation_for_someone_else() -> None:
    async with _engine("memory://") as engine:
        for_bob = await engine.execute_incrementally("agent_task", {"goal": "b"}, owner="bob")
        with acting_as(ALICE), pytest.raises(InvalidInputError):
            await engine.execute_incrementally("agent_task", {"goal": "a"}, owner="bob")
        with acting_as(BOB):
            bobs_view = await engine.get_progress(for_bob.operation_id)
        with acting_as(ALICE), pytest.raises(OperationNotFoundError):
            await engine.get_progress(for_bob.operation_id)
        listed = await engine.list_operations()
    assert bobs_view.operation_id == for_bob.operation_id
    assert len(listed.operations) == 1
