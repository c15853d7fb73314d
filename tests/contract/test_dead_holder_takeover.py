"""A live lease of a holder proved dead is taken over at once, and only that holder's."""

from __future__ import annotations

import time

from agent_tools.core.records import LeaseRequest
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.records import checkpoint, new_record, status_change


async def leased_by(store: Store, holder: str) -> str:
    record, _ = await store.create_operation(new_record(status=OperationStatus.RUNNING))
    assert await store.acquire_lease(
        LeaseRequest(operation_id=record.operation_id, holder=holder, ttl_s=3600), time.time()
    )
    return record.operation_id


async def test_the_lease_of_a_dead_holder_is_taken_over_before_it_expires(store: Store) -> None:
    operation_id = await leased_by(store, "crashed")
    lease = await store.acquire_lease(
        LeaseRequest(
            operation_id=operation_id, holder="successor", ttl_s=30, dead_holder="crashed"
        ),
        time.time(),
    )
    assert lease is not None and lease.holder == "successor" and lease.token == 2
    record = await store.get_operation(operation_id)
    assert record is not None and record.lease_holder == "successor"


async def test_naming_a_dead_holder_does_not_take_a_live_lease_of_another(store: Store) -> None:
    operation_id = await leased_by(store, "alive")
    taken = await store.acquire_lease(
        LeaseRequest(
            operation_id=operation_id, holder="successor", ttl_s=30, dead_holder="crashed"
        ),
        time.time(),
    )
    assert taken is None
    record = await store.get_operation(operation_id)
    assert record is not None and record.lease_holder == "alive" and record.lease_token == 1


async def test_the_dead_holders_late_commit_is_fenced_off(store: Store) -> None:
    operation_id = await leased_by(store, "crashed")
    stale = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="crashed", ttl_s=3600), time.time()
    )
    assert stale is not None
    assert await store.acquire_lease(
        LeaseRequest(
            operation_id=operation_id, holder="successor", ttl_s=30, dead_holder="crashed"
        ),
        time.time(),
    )
    assert await store.commit_checkpoint(checkpoint(stale, step=5)) == "lease_lost"


async def test_a_terminal_operation_is_not_taken_over(store: Store) -> None:
    operation_id = await leased_by(store, "crashed")
    change = status_change(operation_id, {OperationStatus.RUNNING}, OperationStatus.CANCELLED)
    assert await store.change_status(change, time.time())
    taken = await store.acquire_lease(
        LeaseRequest(
            operation_id=operation_id, holder="successor", ttl_s=30, dead_holder="crashed"
        ),
        time.time(),
    )
    assert taken is None
