"""Every tool x every role x one's own or another principal's operation, over real HTTP.

alice holds a token of each role; bob is an operator. An operation belongs to whoever
started it: a role too low is refused with ``role_required``; another principal's
operation answers ``operation_not_found`` (exactly as an unknown id does) unless the
caller is an admin; ``list_operations`` shows only one's own.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from mcp import Client

from agent_tools.core.principals import Role, required_role
from agent_tools.surfaces.tool_catalog import TOOLS
from tests.auth.conftest import TeamServer, client_with_token
from tests.mcp.conftest import structured, tool_error

COUNTER = {"total_items": 3}


def _start_arguments(tool: str, operation_id: str) -> dict[str, Any]:
    """How the operation a cell works on is started: a type each tool can act on."""
    if tool == "provide_input":  # runs its first chunk, which asks
        return {"operation_type": "approval", "input": {"plan": "print"}, "budget_ms": 20_000}
    if tool == "record_progress":
        return {"operation_type": "agent_task", "input": {"goal": "write", "steps": ["a", "b"]}}
    return {
        "operation_type": "counter",
        "input": COUNTER,
        "operation_id": operation_id,
        "budget_ms": 0,
    }


def _call_arguments(tool: str, operation_id: str, question: str) -> dict[str, Any]:
    """The call under test, valid for the owner of ``operation_id``."""
    by_tool: dict[str, dict[str, Any]] = {
        "execute_incrementally": {
            "operation_type": "counter",
            "input": COUNTER,
            "operation_id": operation_id,
            "budget_ms": 0,
        },
        "resume": {"operation_id": operation_id, "budget_ms": 0},
        "provide_input": {
            "operation_id": operation_id,
            "responses": {question: {"action": "accept", "content": {"copies": 2}}},
            "budget_ms": 0,
        },
        "get_progress": {"operation_id": operation_id},
        "get_results": {"operation_id": operation_id},
        "pause": {"operation_id": operation_id},
        "cancel": {"operation_id": operation_id, "reason": "matrix"},
        "list_operations": {"limit": 200},
        "describe_operation_types": {},
        "record_progress": {"operation_id": operation_id, "completed_steps": ["a"]},
    }
    return by_tool[tool]


async def _start(client: Client, tool: str) -> tuple[str, str]:
    """A new operation for ``tool`` to act on: its id and the key of its open question."""
    operation_id = f"matrix-{uuid.uuid4().hex[:12]}"
    view = structured(
        await client.call_tool("execute_incrementally", _start_arguments(tool, operation_id))
    )
    questions = list(view.get("input_requests") or {})
    return str(view["operation_id"]), questions[0] if questions else ""


def _expect_success(tool: str, answer: dict[str, Any], operation_id: str, sees_it: bool) -> None:
    if tool == "list_operations":
        listed = {summary["operation_id"] for summary in answer["operations"]}
        assert (operation_id in listed) is sees_it
    elif tool == "describe_operation_types":
        assert "counter" in {entry["name"] for entry in answer["operation_types"]}
    else:
        assert answer["operation_id"] == operation_id


def test_the_matrix_covers_every_tool() -> None:
    assert {spec.name for spec in TOOLS} == {
        "execute_incrementally",
        "resume",
        "provide_input",
        "get_progress",
        "get_results",
        "pause",
        "cancel",
        "list_operations",
        "describe_operation_types",
        "record_progress",
    }


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
@pytest.mark.parametrize("tool", [spec.name for spec in TOOLS])
async def test_every_tool_for_every_role_on_own_and_others_operations(
    team: TeamServer, tool: str, role: Role, whose: str
) -> None:
    owner_token = team.alice[Role.OPERATOR] if whose == "own" else team.bob
    async with client_with_token(team.server.url, owner_token) as owner:
        operation_id, question = await _start(owner, tool)
    async with client_with_token(team.server.url, team.alice[role]) as caller:
        result = await caller.call_tool(tool, _call_arguments(tool, operation_id, question))
    sees_it = whose == "own" or role is Role.ADMIN
    if role.rank < required_role(tool).rank:
        assert tool_error(result)["code"] == "role_required"
    elif sees_it or tool in ("list_operations", "describe_operation_types"):
        _expect_success(tool, structured(result), operation_id, sees_it)
    elif tool == "execute_incrementally":
        assert tool_error(result)["code"] == "operation_conflict"
    else:
        refusal = tool_error(result)
        assert refusal["code"] == "operation_not_found"
        assert refusal["message"] == f"No operation with id {operation_id!r} exists."
