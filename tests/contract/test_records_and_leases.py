"""The store contract: records and leases. Every store passes this unchanged."""

from __future__ import annotations

import time

from agent_tools.core.records import LeaseRequest
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.records import checkpoint, new_record, status_change

RUNNING = OperationStatus.RUNNING


async def running(store: Store, **fields: object) -> str:
    record, created = await store.create_operation(new_record(status=RUNNING, **fields))  # type: ignore[arg-type]
    assert created
    return record.operation_id


async def test_creating_a_new_id_stores_the_record_exactly(store: Store) -> None:
    record = new_record("exact")
    stored, created = await store.create_operation(record)
    assert created
    assert stored == record
    assert await store.get_operation("exact") == record


async def test_creating_a_known_id_returns_the_stored_record_unchanged(store: Store) -> None:
    first = new_record("twice")
    await store.create_operation(first)
    again, created = await store.create_operation(new_record("twice", operation_type="other"))
    assert not created
    assert again == first


async def test_creation_writes_a_created_event(store: Store) -> None:
    await store.create_operation(new_record("audited"))
    events = await store.list_events("audited")
    assert [event.kind for event in events] == ["created"]


async def test_an_unknown_id_reads_as_none(store: Store) -> None:
    assert await store.get_operation("nobody") is None


async def test_a_free_operation_is_leased_with_a_new_token(store: Store) -> None:
    operation_id = await running(store)
    now = time.time()
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=30), now
    )
    assert lease is not None
    assert lease.holder == "worker-a"
    assert lease.token == 1
    record = await store.get_operation(operation_id)
    assert record is not None
    assert record.lease_holder == "worker-a"
    assert record.lease_token == 1
    assert abs((record.lease_expires_at or 0) - (now + 30)) < 0.01


async def test_a_live_lease_of_another_holder_is_refused(store: Store) -> None:
    operation_id = await running(store)
    assert await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=30), time.time()
    )
    assert (
        await store.acquire_lease(
            LeaseRequest(operation_id=operation_id, holder="worker-b", ttl_s=30), time.time()
        )
        is None
    )


async def test_an_expired_lease_is_taken_over_with_a_higher_token(store: Store) -> None:
    operation_id = await running(store)
    now = time.time()
    first = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=1), now
    )
    second = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-b", ttl_s=30), now + 2
    )
    assert first is not None and second is not None
    assert second.token > first.token
    assert second.holder == "worker-b"


async def test_the_same_holder_can_take_its_lease_again(store: Store) -> None:
    operation_id = await running(store)
    first = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=30), time.time()
    )
    again = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=30), time.time()
    )
    assert first is not None and again is not None
    assert again.token == first.token + 1


async def test_a_terminal_or_unknown_operation_cannot_be_leased(store: Store) -> None:
    operation_id = await running(store)
    await store.change_status(
        status_change(operation_id, {RUNNING}, OperationStatus.COMPLETED), time.time()
    )
    assert (
        await store.acquire_lease(
            LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=30), time.time()
        )
        is None
    )
    assert (
        await store.acquire_lease(
            LeaseRequest(operation_id="nobody", holder="worker-a", ttl_s=30), time.time()
        )
        is None
    )


async def test_renewal_extends_a_held_lease_and_returns_the_record(store: Store) -> None:
    operation_id = await running(store)
    now = time.time()
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=5), now
    )
    assert lease is not None
    record = await store.renew_lease(lease, 60, now + 1)
    assert record is not None
    assert record.status is RUNNING
    assert abs((record.lease_expires_at or 0) - (now + 61)) < 0.01


async def test_renewal_fails_after_a_takeover(store: Store) -> None:
    operation_id = await running(store)
    now = time.time()
    old = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=1), now
    )
    assert old is not None
    assert await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-b", ttl_s=30), now + 2
    )
    assert await store.renew_lease(old, 30, now + 3) is None


async def test_release_frees_the_lease_only_under_its_own_token(store: Store) -> None:
    operation_id = await running(store)
    now = time.time()
    old = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=1), now
    )
    new = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-b", ttl_s=30), now + 2
    )
    assert old is not None and new is not None
    await store.release_lease(old)
    record = await store.get_operation(operation_id)
    assert record is not None and record.lease_holder == "worker-b"
    await store.release_lease(new)
    record = await store.get_operation(operation_id)
    assert record is not None and record.lease_holder is None
    assert record.lease_token == new.token


async def test_leases_do_not_change_the_revision(store: Store) -> None:
    operation_id = await running(store)
    before = await store.get_operation(operation_id)
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=30), time.time()
    )
    assert lease is not None
    await store.renew_lease(lease, 30, time.time())
    await store.release_lease(lease)
    after = await store.get_operation(operation_id)
    assert before is not None and after is not None
    assert after.revision == before.revision


async def test_a_commit_releasing_the_lease_frees_it(store: Store) -> None:
    operation_id = await running(store)
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=operation_id, holder="worker-a", ttl_s=30), time.time()
    )
    assert lease is not None
    assert await store.commit_checkpoint(checkpoint(lease, release=True)) == "committed"
    record = await store.get_operation(operation_id)
    assert record is not None
    assert record.lease_holder is None
    assert (
        await store.acquire_lease(
            LeaseRequest(operation_id=operation_id, holder="worker-b", ttl_s=30), time.time()
        )
        is not None
    )
