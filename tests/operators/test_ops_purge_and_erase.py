"""``agent-tools ops purge`` and ``ops erase``: admin only, against a serving engine's store."""

from __future__ import annotations

import json
from pathlib import Path

from agent_tools.core.principals import Principal, Role, acting_as
from agent_tools.core.status import OperationStatus
from agent_tools.surfaces.auth.token_file import TokenFile
from tests.operators.conftest import Serving

ALICE = Principal(name="alice", role=Role.OPERATOR)
BOB = Principal(name="bob", role=Role.OPERATOR)


async def finished(serving: Serving) -> str:
    operation_id = await serving.start_counter(3, 0, mode="inline")
    view = await serving.engine.resume(operation_id, budget_ms=5000)
    assert view.status is OperationStatus.COMPLETED
    return operation_id


async def test_purge_removes_ended_operations_and_refuses_live_statuses(serving: Serving) -> None:
    done = await finished(serving)
    cancelled = await serving.start_counter(3, 0, mode="inline")
    await serving.engine.cancel(cancelled)
    paused = await serving.start_counter(3, 0, mode="inline")

    refused = await serving.ops("purge", "--status", "paused")
    assert refused.returncode == 2
    assert "invalid_input" in refused.stderr or "not a status" in refused.stderr
    assert "Only ended operations are purged" in refused.stderr
    not_admin = await serving.ops("--as", "alice", "--role", "operator", "purge")
    assert not_admin.returncode == 2 and "admin" in not_admin.stderr
    young = await serving.ops("purge", "--older-than", "1h")
    assert young.returncode == 0 and "purged 0 ended operations" in young.stdout
    assert await serving.engine.store.get_operation(done) is not None

    purged = await serving.ops("--json", "purge", "--status", "completed", "--status", "cancelled")
    assert purged.returncode == 0, purged.stderr
    assert json.loads(purged.stdout) == {"purged": 2}
    assert "purge by local: 2 ended operations" in purged.stderr
    for gone in (done, cancelled):
        assert await serving.engine.store.get_operation(gone) is None
        assert await serving.engine.store.read_items(gone, 0, 10) == []
    assert await serving.engine.store.get_operation(paused) is not None


async def test_erase_cancels_and_deletes_a_principals_operations_and_tokens(
    serving: Serving, tmp_path: Path
) -> None:
    with acting_as(ALICE):
        running = await serving.start_counter(400, 20)
        alices_done = await finished(serving)
    with acting_as(BOB):
        bobs_done = await finished(serving)
    await serving.wait_for(running, lambda view: view.progress.current_step >= 2)
    tokens = TokenFile(tmp_path / "tokens.json")
    tokens.create("alice", Role.OPERATOR)
    bobs_token, _ = tokens.create("bob", Role.READER)

    not_admin = await serving.ops("--as", "bob", "--role", "operator", "erase", "--owner", "alice")
    assert not_admin.returncode == 2 and "admin" in not_admin.stderr
    erased = await serving.ops(
        "--json", "erase", "--owner", "alice", "--tokens-file", str(tokens.path)
    )

    assert erased.returncode == 0, erased.stderr
    assert json.loads(erased.stdout) == {
        "owner": "alice",
        "operations": 2,
        "cancelled": 1,
        "tokens": 1,
    }
    assert "erase by local (admin) of principal alice: 2 operations" in erased.stderr
    store = serving.engine.store
    for gone in (running, alices_done):
        assert await store.get_operation(gone) is None
        assert await store.read_items(gone, 0, 10) == []
        assert await store.list_events(gone) == []
    assert await store.get_operation(bobs_done) is not None
    assert [record.principal for record in tokens.records().values()] == ["bob"]
    assert bobs_token.token_id in tokens.records()
    again = await serving.ops(
        "--json", "erase", "--owner", "alice", "--tokens-file", str(tokens.path)
    )
    assert json.loads(again.stdout)["operations"] == 0
    assert await store.get_operation(running) is None
