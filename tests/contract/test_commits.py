"""The store contract: fenced checkpoints and status compare-and-set."""

from __future__ import annotations

import time

from agent_tools.core.records import ErrorInfo, LeaseRequest
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.records import checkpoint, new_record, status_change

RUNNING = OperationStatus.RUNNING
PAUSED = OperationStatus.PAUSED


async def leased(store: Store, holder: str = "worker-a", ttl_s: float = 30):  # type: ignore[no-untyped-def]
    record, _ = await store.create_operation(new_record(status=RUNNING))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=record.operation_id, holder=holder, ttl_s=ttl_s), time.time()
    )
    assert lease is not None
    return lease


async def test_a_commit_applies_state_progress_items_and_event_together(store: Store) -> None:
    lease = await leased(store)
    before = await store.get_operation(lease.operation_id)
    outcome = await store.commit_checkpoint(checkpoint(lease, items=[{"a": 1}, "two", 3], step=2))
    assert outcome == "committed"
    record = await store.get_operation(lease.operation_id)
    assert record is not None and before is not None
    assert record.state == {"n": 2}
    assert record.progress.current_step == 2
    assert record.progress.rate_per_second == 2.0
    assert record.next_chunk_index == 2
    assert record.item_count == 3
    assert record.revision == before.revision + 1
    assert record.lease_holder == "worker-a"
    items = await store.read_items(lease.operation_id, 0, 10)
    assert [(item.seq, item.output) for item in items] == [(1, {"a": 1}), (2, "two"), (3, 3)]
    events = await store.list_events(lease.operation_id)
    assert [event.kind for event in events] == ["created", "checkpoint"]
    assert events[-1].detail == {"step": 2}


async def test_a_commit_without_input_keeps_the_stored_one_and_one_with_input_replaces_it(
    store: Store,
) -> None:
    lease = await leased(store)
    stored = await store.get_operation(lease.operation_id)
    assert stored is not None
    unchanged = checkpoint(lease, step=1).model_copy(update={"input": None})
    assert await store.commit_checkpoint(unchanged) == "committed"
    kept = await store.get_operation(lease.operation_id)
    assert kept is not None and kept.input == stored.input and kept.state == {"n": 1}
    migrated = checkpoint(lease, step=2).model_copy(update={"input": {"total": 9}})
    assert await store.commit_checkpoint(migrated) == "committed"
    replaced = await store.get_operation(lease.operation_id)
    assert replaced is not None and replaced.input == {"total": 9}


async def test_editing_a_committed_checkpoint_afterwards_leaves_the_store_unchanged(
    store: Store,
) -> None:
    lease = await leased(store)
    committed = checkpoint(lease, items=[{"kept": True}])
    assert await store.commit_checkpoint(committed) == "committed"
    committed.state["n"] = "edited"
    committed.items[0]["kept"] = False
    committed.input["total"] = -1
    record = await store.get_operation(lease.operation_id)
    assert record is not None
    assert record.state == {"n": 1}
    assert record.input["total"] == 3
    assert [item.output for item in await store.read_items(lease.operation_id, 0, 10)] == [
        {"kept": True}
    ]
    record.state["n"] = "edited"
    again = await store.get_operation(lease.operation_id)
    assert again is not None and again.state == {"n": 1}


async def test_items_are_numbered_across_commits_in_order(store: Store) -> None:
    lease = await leased(store)
    for step in range(1, 4):
        items = [{"step": step, "k": k} for k in range(step)]
        assert await store.commit_checkpoint(checkpoint(lease, items=items, step=step))
    items = await store.read_items(lease.operation_id, 0, 100)
    assert [item.seq for item in items] == list(range(1, 7))
    assert [item.output["step"] for item in items] == [1, 2, 2, 3, 3, 3]  # type: ignore[index,call-overload]
    assert [item.seq for item in await store.read_items(lease.operation_id, 2, 3)] == [3, 4, 5]


async def test_a_terminal_commit_sets_result_error_and_expiry(store: Store) -> None:
    lease = await leased(store)
    error = ErrorInfo(code="operation_failed", message="boom", hint="fix it")
    expires = time.time() + 100
    outcome = await store.commit_checkpoint(
        checkpoint(
            lease,
            status=OperationStatus.FAILED,
            error=error,
            result={"partial": True},
            expires_at=expires,
            release=True,
        )
    )
    assert outcome == "committed"
    record = await store.get_operation(lease.operation_id)
    assert record is not None
    assert record.status is OperationStatus.FAILED
    assert record.error == error
    assert record.result == {"partial": True}
    assert record.expires_at is not None and abs(record.expires_at - expires) < 0.01


async def test_a_commit_with_a_stale_token_writes_nothing(store: Store) -> None:
    lease = await leased(store, ttl_s=1)
    newer = await store.acquire_lease(
        LeaseRequest(operation_id=lease.operation_id, holder="worker-b", ttl_s=30), time.time() + 2
    )
    assert newer is not None
    before = await store.get_operation(lease.operation_id)
    outcome = await store.commit_checkpoint(checkpoint(lease, step=9))
    assert outcome == "lease_lost"
    assert await store.get_operation(lease.operation_id) == before
    assert await store.read_items(lease.operation_id, 0, 10) == []
    assert [e.kind for e in await store.list_events(lease.operation_id)] == ["created"]


async def test_a_commit_after_a_status_change_writes_nothing(store: Store) -> None:
    lease = await leased(store)
    paused = await store.change_status(status_change(lease.operation_id, {RUNNING}, PAUSED), 1.0)
    assert paused is not None
    outcome = await store.commit_checkpoint(checkpoint(lease, step=5))
    assert outcome == "status_changed"
    record = await store.get_operation(lease.operation_id)
    assert record == paused
    assert await store.read_items(lease.operation_id, 0, 10) == []
    assert await store.commit_checkpoint(checkpoint(lease, expected=PAUSED, status=PAUSED))


async def test_a_zombie_whose_lease_was_taken_over_cannot_commit(store: Store) -> None:
    zombie = await leased(store, ttl_s=0.5)
    heir = await store.acquire_lease(
        LeaseRequest(operation_id=zombie.operation_id, holder="worker-b", ttl_s=30), time.time() + 1
    )
    assert heir is not None
    assert await store.commit_checkpoint(checkpoint(heir, step=1)) == "committed"
    assert await store.commit_checkpoint(checkpoint(zombie, step=7)) == "lease_lost"
    record = await store.get_operation(zombie.operation_id)
    assert record is not None and record.state == {"n": 1}
    assert [item.output for item in await store.read_items(zombie.operation_id, 0, 9)] == [{"n": 1}]


async def test_change_status_is_a_compare_and_set_with_its_event(store: Store) -> None:
    record, _ = await store.create_operation(new_record(status=PAUSED))
    refused = await store.change_status(
        status_change(record.operation_id, {RUNNING}, OperationStatus.CANCELLED), 5.0
    )
    assert refused is None
    changed = await store.change_status(
        status_change(record.operation_id, {PAUSED, RUNNING}, OperationStatus.CANCELLED), 5.0
    )
    assert changed is not None
    assert changed.status is OperationStatus.CANCELLED
    assert changed.updated_at == 5.0
    assert changed.revision == record.revision + 1
    assert await store.get_operation(record.operation_id) == changed
    assert [e.kind for e in await store.list_events(record.operation_id)] == [
        "created",
        "cancelled",
    ]
