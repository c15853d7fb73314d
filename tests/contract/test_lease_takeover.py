"""The store contract: taking a live lease over from a holder known to be dead."""

from __future__ import annotations

import time

from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.records import checkpoint, new_record, status_change

RUNNING = OperationStatus.RUNNING


async def leased(store: Store, holder: str) -> tuple[str, int]:
    """A running operation whose live 30 s lease ``holder`` holds; its id and token."""
    record, _ = await store.create_operation(new_record(status=RUNNING))
    lease = await store.acquire_lease(record.operation_id, holder, 30, time.time())
    assert lease is not None
    return record.operation_id, lease.token


async def test_a_live_lease_of_the_dead_holder_is_taken_over_with_a_higher_token(
    store: Store,
) -> None:
    operation_id, old_token = await leased(store, "worker-a:1")
    lease = await store.acquire_lease(
        operation_id, "worker-a:2", 30, time.time(), dead_holder="worker-a:1"
    )
    assert lease is not None
    assert lease.holder == "worker-a:2"
    assert lease.token == old_token + 1
    record = await store.get_operation(operation_id)
    assert record is not None
    assert record.lease_holder == "worker-a:2"
    assert record.lease_token == lease.token


async def test_naming_a_dead_holder_does_not_take_over_another_live_holder(store: Store) -> None:
    operation_id, token = await leased(store, "worker-b")
    taken = await store.acquire_lease(
        operation_id, "worker-a:2", 30, time.time(), dead_holder="worker-a:1"
    )
    assert taken is None
    record = await store.get_operation(operation_id)
    assert record is not None
    assert (record.lease_holder, record.lease_token) == ("worker-b", token)


async def test_a_terminal_operation_is_not_taken_over_from_a_dead_holder(store: Store) -> None:
    operation_id, _ = await leased(store, "worker-a:1")
    cancelled = status_change(operation_id, {RUNNING}, OperationStatus.CANCELLED)
    assert await store.change_status(cancelled, time.time())
    taken = await store.acquire_lease(
        operation_id, "worker-a:2", 30, time.time(), dead_holder="worker-a:1"
    )
    assert taken is None


async def test_the_dead_holders_late_commit_is_lease_lost_after_a_takeover(store: Store) -> None:
    record, _ = await store.create_operation(new_record(status=RUNNING))
    old = await store.acquire_lease(record.operation_id, "worker-a:1", 30, time.time())
    assert old is not None
    heir = await store.acquire_lease(
        record.operation_id, "worker-a:2", 30, time.time(), dead_holder="worker-a:1"
    )
    assert heir is not None
    assert await store.commit_checkpoint(checkpoint(old, step=1)) == "lease_lost"
    assert await store.commit_checkpoint(checkpoint(heir, step=1)) == "committed"
    stored = await store.get_operation(record.operation_id)
    assert stored is not None
    assert stored.item_count == 1


async def test_a_free_or_own_lease_is_still_taken_when_a_dead_holder_is_named(
    store: Store,
) -> None:
    record, _ = await store.create_operation(new_record(status=RUNNING))
    first = await store.acquire_lease(
        record.operation_id, "worker-a:2", 30, time.time(), dead_holder="worker-a:1"
    )
    again = await store.acquire_lease(
        record.operation_id, "worker-a:2", 30, time.time(), dead_holder="worker-a:1"
    )
    assert first is not None and again is not None
    assert again.token == first.token + 1
