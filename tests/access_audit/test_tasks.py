"""MCP task methods and task-creating tool calls leave their entries, refusals included."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_tools.runtime.store_access import open_store
from tests.access_audit.conftest import recorded
from tests.auth.conftest import start_task_team
from tests.tasks.wire import RpcError


async def test_task_requests_are_recorded_with_the_true_outcome_for_another_principal(
    tmp_path: Path,
) -> None:
    team = start_task_team(tmp_path)
    server, as_alice, as_bob = team.server, team.alice, team.bob
    try:
        task_id = as_bob.call_tool("slow_compute", {"seconds": 30, "label": "bob's"})["taskId"]
        as_bob.get_task(task_id)
        with pytest.raises(RpcError):
            as_alice.request("tasks/cancel", {"taskId": task_id})
        as_bob.request("tasks/cancel", {"taskId": task_id})
    finally:
        server.stop()
    store = open_store(team.store_url)
    await store.open()
    try:
        entries = await recorded(
            store,
            ("bob", "tool.slow_compute", task_id, "ok"),
            ("bob", "mcp.tasks/get", task_id, "ok"),
            ("alice", "mcp.tasks/cancel", task_id, "operation_not_found"),
            ("bob", "mcp.tasks/cancel", task_id, "ok"),
        )
    finally:
        await store.close()
    assert entries[2].detail == {"not_owner": True}
