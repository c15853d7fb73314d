"""The store contract: listing, recovery, long-poll, purge, and racing writers."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from agent_tools.core.records import LeaseRequest, OperationQuery
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.backends import second_instance
from tests.contract.records import checkpoint, new_record, status_change

RUNNING = OperationStatus.RUNNING


async def test_list_filters_newest_first(store: Store) -> None:
    base = time.time()
    for index, (status, kind) in enumerate(
        [
            (OperationStatus.PAUSED, "count"),
            (OperationStatus.COMPLETED, "count"),
            (OperationStatus.PAUSED, "other"),
            (OperationStatus.PAUSED, "count"),
        ]
    ):
        await store.create_operation(
            new_record(f"op-{index}", status=status, operation_type=kind, created_at=base + index)
        )
    page = await store.list_operations(OperationQuery(status=OperationStatus.PAUSED))
    assert [r.operation_id for r in page.records] == ["op-3", "op-2", "op-0"]
    assert not page.has_more
    page = await store.list_operations(
        OperationQuery(status=OperationStatus.PAUSED, operation_type="count")
    )
    assert [r.operation_id for r in page.records] == ["op-3", "op-0"]
    assert (await store.list_operations(OperationQuery(owner="bob"))).records == []


async def test_list_pages_with_a_keyset_position(store: Store) -> None:
    base = time.time()
    for index in range(7):
        await store.create_operation(new_record(f"op-{index}", created_at=base + index // 2))
    seen: list[str] = []
    before = None
    while True:
        page = await store.list_operations(OperationQuery(limit=3, before=before))
        seen += [record.operation_id for record in page.records]
        if not page.has_more:
            break
        last = page.records[-1]
        before = (last.created_at, last.operation_id)
    assert seen == [f"op-{index}" for index in (6, 5, 4, 3, 2, 1, 0)]


async def test_list_recoverable_finds_background_work_without_a_live_lease(store: Store) -> None:
    now = time.time()
    await store.create_operation(new_record("orphan", status=RUNNING, mode="background"))
    await store.create_operation(new_record("queued", mode="background"))
    await store.create_operation(new_record("held", status=RUNNING, mode="background"))
    await store.create_operation(new_record("inline", status=RUNNING))
    await store.create_operation(
        new_record("paused", status=OperationStatus.PAUSED, mode="background")
    )
    assert await store.acquire_lease(
        LeaseRequest(operation_id="held", holder="worker-a", ttl_s=30), now
    )
    expired = await store.acquire_lease(
        LeaseRequest(operation_id="orphan", holder="dead-worker", ttl_s=1), now - 10
    )
    assert expired is not None
    found = {record.operation_id for record in await store.list_recoverable(now, 10)}
    assert found == {"orphan", "queued"}


async def test_wait_for_change_wakes_on_a_commit(store: Store) -> None:
    record, _ = await store.create_operation(new_record(status=RUNNING))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=record.operation_id, holder="worker-a", ttl_s=30), time.time()
    )
    assert lease is not None

    async def commit_later() -> None:
        await asyncio.sleep(0.2)
        await store.commit_checkpoint(checkpoint(lease))

    started = time.monotonic()
    committer = asyncio.create_task(commit_later())
    await store.wait_for_change(record.operation_id, record.revision, 10)
    assert time.monotonic() - started < 5
    await committer
    fresh = await store.get_operation(record.operation_id)
    assert fresh is not None and fresh.revision == record.revision + 1


async def test_wait_for_change_wakes_on_a_commit_through_another_instance(
    store: Store, backend: str
) -> None:
    record, _ = await store.create_operation(new_record(status=RUNNING))
    async with second_instance(backend, store) as twin:
        lease = await twin.acquire_lease(
            LeaseRequest(operation_id=record.operation_id, holder="worker-b", ttl_s=30), time.time()
        )
        assert lease is not None

        async def commit_later() -> None:
            await asyncio.sleep(0.2)
            await twin.commit_checkpoint(checkpoint(lease))

        started = time.monotonic()
        committer = asyncio.create_task(commit_later())
        await store.wait_for_change(record.operation_id, record.revision, 10)
        assert time.monotonic() - started < 5
        await committer
    fresh = await store.get_operation(record.operation_id)
    assert fresh is not None and fresh.revision == record.revision + 1


async def test_wait_for_change_returns_at_once_when_already_changed(store: Store) -> None:
    record, _ = await store.create_operation(new_record())
    started = time.monotonic()
    await store.wait_for_change(record.operation_id, record.revision - 1, 10)
    assert time.monotonic() - started < 1


async def test_wait_for_change_times_out_without_a_change(store: Store) -> None:
    record, _ = await store.create_operation(new_record())
    started = time.monotonic()
    await store.wait_for_change(record.operation_id, record.revision, 0.3)
    assert 0.25 <= time.monotonic() - started < 5


async def test_purge_removes_expired_operations_with_items_and_events(store: Store) -> None:
    now = time.time()
    await store.create_operation(new_record("old", status=RUNNING))
    await store.create_operation(new_record("young", status=RUNNING))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id="old", holder="worker-a", ttl_s=30), now
    )
    assert lease is not None
    await store.commit_checkpoint(
        checkpoint(lease, status=OperationStatus.COMPLETED, expires_at=now - 1, release=True)
    )
    assert await store.purge_expired(now) == 1
    assert await store.get_operation("old") is None
    assert await store.read_items("old", 0, 10) == []
    assert await store.list_events("old") == []
    assert await store.get_operation("young") is not None
    assert await store.purge_expired(now) == 0


async def test_racing_acquirers_on_one_store_exactly_one_wins(store: Store) -> None:
    record, _ = await store.create_operation(new_record(status=RUNNING))
    leases = await asyncio.gather(
        *(
            store.acquire_lease(
                LeaseRequest(operation_id=record.operation_id, holder=f"worker-{n}", ttl_s=30),
                time.time(),
            )
            for n in range(8)
        )
    )
    assert len([lease for lease in leases if lease is not None]) == 1


async def test_racing_store_instances_exactly_one_wins_each_round(
    store: Store, backend: str, tmp_path: Path
) -> None:
    async with second_instance(backend, store) as twin:
        for round_number in range(5):
            record, _ = await store.create_operation(new_record(f"race-{round_number}"))
            await store.change_status(
                status_change(record.operation_id, {OperationStatus.PENDING}, RUNNING),
                time.time(),
            )
            leases = await asyncio.gather(
                store.acquire_lease(
                    LeaseRequest(operation_id=record.operation_id, holder="worker-a", ttl_s=30),
                    time.time(),
                ),
                twin.acquire_lease(
                    LeaseRequest(operation_id=record.operation_id, holder="worker-b", ttl_s=30),
                    time.time(),
                ),
            )
            winners = [lease for lease in leases if lease is not None]
            assert len(winners) == 1
            loser_store = twin if winners[0].holder == "worker-a" else store
            stale = winners[0].model_copy(update={"token": winners[0].token - 1})
            assert await loser_store.commit_checkpoint(checkpoint(stale)) == "lease_lost"
            assert await loser_store.commit_checkpoint(checkpoint(winners[0])) == "committed"
