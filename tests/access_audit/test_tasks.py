"""MCP task methods and task-creating tool calls leave their entries, refusals included."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_tools.core.principals import Role
from agent_tools.runtime.store_access import open_store
from agent_tools.surfaces.auth.token_file import TokenFile
from tests.access_audit.conftest import recorded
from tests.mcp.conftest import start_http_server
from tests.tasks.conftest import CONFORMANCE_OPS
from tests.tasks.wire import RpcError, WireClient


async def test_task_requests_are_recorded_with_the_true_outcome_for_another_principal(
    tmp_path: Path,
) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    alice = tokens.create("alice", Role.OPERATOR)[1]
    bob = tokens.create("bob", Role.OPERATOR)[1]
    store_url = f"sqlite:///{tmp_path / 'operations.db'}"
    server = start_http_server(
        store_url,
        "--expose-operation-tools",
        ops=(CONFORMANCE_OPS,),
        authenticated=True,
        AGENT_TOOLS_TOKENS_FILE=str(tokens.path),
    )
    try:
        as_bob = WireClient(server.url, headers={"Authorization": f"Bearer {bob}"})
        as_alice = WireClient(server.url, headers={"Authorization": f"Bearer {alice}"})
        task_id = as_bob.call_tool("slow_compute", {"seconds": 30, "label": "bob's"})["taskId"]
        as_bob.get_task(task_id)
        with pytest.raises(RpcError):
            as_alice.request("tasks/cancel", {"taskId": task_id})
        as_bob.request("tasks/cancel", {"taskId": task_id})
    finally:
        server.stop()
    store = open_store(store_url)
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
