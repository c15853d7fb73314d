"""The store contract for purging ended operations on request and erasing an owner."""

from __future__ import annotations

import time

from agent_tools.core.purging import PurgeFilter
from agent_tools.core.records import Event, LeaseRequest, OperationQuery
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.records import checkpoint, new_record
from tests.contract.test_input_rounds import QUESTIONS

RUNNING = OperationStatus.RUNNING
PAUSED = OperationStatus.PAUSED
COMPLETED = OperationStatus.COMPLETED
FAILED = OperationStatus.FAILED
CANCELLED = OperationStatus.CANCELLED


async def ended(
    store: Store, operation_id: str, status: OperationStatus, at: float, owner: str = "alice"
) -> None:
    """An operation that wrote two result items and ended as ``status`` at time ``at``."""
    record = new_record(operation_id, status=RUNNING).model_copy(update={"owner": owner})
    await store.create_operation(record)
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=30), time.time()
    )
    assert lease is not None
    final = checkpoint(lease, status=status, items=[{"n": 1}, {"n": 2}], release=True)
    final = final.model_copy(update={"event": Event(kind=status.value, at=at)})
    assert await store.commit_checkpoint(final) == "committed"


async def assert_gone(store: Store, *operation_ids: str) -> None:
    for operation_id in operation_ids:
        assert await store.get_operation(operation_id) is None
        assert await store.read_items(operation_id, 0, 10) == []
        assert await store.list_events(operation_id) == []


async def listed(store: Store, **filters: object) -> set[str]:
    page = await store.list_operations(OperationQuery(limit=100, **filters))  # type: ignore[arg-type]
    return {record.operation_id for record in page.records}


async def test_purge_ended_removes_ended_operations_older_than_the_cutoff(store: Store) -> None:
    now = time.time()
    await ended(store, "old-done", COMPLETED, now - 7200)
    await ended(store, "old-failed", FAILED, now - 7200)
    await ended(store, "old-cancelled", CANCELLED, now - 7200)
    await ended(store, "young-done", COMPLETED, now - 10)
    await store.create_operation(new_record("old-running", status=RUNNING, created_at=now - 9000))

    assert await store.purge_ended(PurgeFilter(ended_before=now - 3600)) == 3

    await assert_gone(store, "old-done", "old-failed", "old-cancelled")
    assert await listed(store) == {"young-done", "old-running"}
    assert await listed(store, status=COMPLETED) == {"young-done"}
    assert len(await store.read_items("young-done", 0, 10)) == 2
    assert await store.purge_ended(PurgeFilter(ended_before=now - 3600)) == 0


async def test_purge_ended_by_status_keeps_the_other_ended_ones(store: Store) -> None:
    now = time.time()
    await ended(store, "done", COMPLETED, now - 60)
    await ended(store, "failed", FAILED, now - 60)

    assert await store.purge_ended(PurgeFilter(statuses=frozenset({FAILED}))) == 1

    await assert_gone(store, "failed")
    assert await listed(store) == {"done"}
    assert await listed(store, status=FAILED) == set()


async def test_purge_ended_never_removes_live_operations(store: Store) -> None:
    old = time.time() - 9000
    await store.create_operation(new_record("running", status=RUNNING, created_at=old))
    await store.create_operation(new_record("paused", status=PAUSED, created_at=old))
    live = PurgeFilter(statuses=frozenset({RUNNING, PAUSED}), ended_before=time.time())

    assert await store.purge_ended(live) == 0
    assert await store.purge_ended(PurgeFilter()) == 0
    assert await listed(store) == {"running", "paused"}


async def test_erase_owner_removes_every_operation_of_that_owner(store: Store) -> None:
    now = time.time()
    await ended(store, "alice-done", COMPLETED, now - 10)
    await ended(store, "bob-done", COMPLETED, now - 10, owner="bob")
    await store.create_operation(new_record("alice-running", status=RUNNING, mode="background"))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id="alice-running", holder="worker-a", ttl_s=30), now
    )
    assert lease is not None
    await store.create_operation(new_record("alice-asked", status=RUNNING))
    asked_lease = await store.acquire_lease(
        LeaseRequest(operation_id="alice-asked", holder="worker-a", ttl_s=30), now
    )
    assert asked_lease is not None
    asking = checkpoint(asked_lease, status=PAUSED, release=True, input_round=QUESTIONS)
    assert await store.commit_checkpoint(asking) == "committed"

    assert await store.erase_owner("alice") == 3

    await assert_gone(store, "alice-done", "alice-running", "alice-asked")
    assert await listed(store) == {"bob-done"}
    assert await listed(store, owner="alice") == set()
    assert await listed(store, status=PAUSED) == set()
    assert await store.list_recoverable(now + 3600, 10) == []
    # A worker still holding alice's lease finds it lost; nothing comes back.
    assert await store.commit_checkpoint(checkpoint(lease)) == "lease_lost"
    assert await store.get_operation("alice-running") is None
    assert len(await store.read_items("bob-done", 0, 10)) == 2


async def test_erase_owner_of_nobody_removes_nothing(store: Store) -> None:
    await ended(store, "bob-done", COMPLETED, time.time(), owner="bob")
    assert await store.erase_owner("carol") == 0
    assert await store.erase_owner("") == 0
    assert await listed(store) == {"bob-done"}
