"""The store contract: a capped result log drops (or folds) its oldest items, atomically."""

from __future__ import annotations

import time

from agent_tools.core.records import Lease, LeaseRequest
from agent_tools.core.result_caps import ItemTrim
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.backends import second_instance
from tests.contract.records import checkpoint, new_record


async def _with_items(store: Store, count: int) -> Lease:
    record, _ = await store.create_operation(new_record(status=OperationStatus.RUNNING))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=record.operation_id, holder="worker-a", ttl_s=30), time.time()
    )
    assert lease is not None
    items = [{"n": n} for n in range(1, count + 1)]
    assert await store.commit_checkpoint(checkpoint(lease, items=items)) == "committed"
    return lease


async def _seqs(store: Store, operation_id: str, after: int = 0) -> list[int]:
    return [item.seq for item in await store.read_items(operation_id, after, 1000)]


def _trim(operation_id: str, expected: int, through: int, summary: object = None) -> ItemTrim:
    return ItemTrim(
        operation_id=operation_id,
        expected_dropped=expected,
        drop_through=through,
        summary=summary,
    )


async def test_a_trim_drops_the_oldest_items_and_keeps_every_seq_number(store: Store) -> None:
    lease = await _with_items(store, 10)
    before = await store.get_operation(lease.operation_id)
    assert before is not None and before.dropped_items == 0
    assert await store.trim_items(_trim(lease.operation_id, 0, 6))
    record = await store.get_operation(lease.operation_id)
    assert record is not None
    assert (record.dropped_items, record.item_count) == (6, 10)
    assert record.revision == before.revision + 1
    assert record.updated_at == before.updated_at
    items = await store.read_items(lease.operation_id, 0, 100)
    assert [(item.seq, item.output) for item in items] == [(n, {"n": n}) for n in range(7, 11)]


async def test_reading_from_inside_the_dropped_part_starts_at_the_oldest_kept(
    store: Store,
) -> None:
    lease = await _with_items(store, 10)
    assert await store.trim_items(_trim(lease.operation_id, 0, 6))
    assert await _seqs(store, lease.operation_id, after=3) == [7, 8, 9, 10]
    assert await _seqs(store, lease.operation_id, after=8) == [9, 10]
    assert [item.seq for item in await store.read_items(lease.operation_id, 0, 2)] == [7, 8]


async def test_a_summary_takes_the_seq_of_the_last_item_it_replaces(store: Store) -> None:
    lease = await _with_items(store, 10)
    assert await store.trim_items(_trim(lease.operation_id, 0, 6, {"folded": 6}))
    items = await store.read_items(lease.operation_id, 0, 100)
    assert [(item.seq, item.output) for item in items][:2] == [(6, {"folded": 6}), (7, {"n": 7})]
    assert await _seqs(store, lease.operation_id, after=6) == [7, 8, 9, 10]


async def test_a_later_trim_folds_the_summary_and_items_after_it(store: Store) -> None:
    lease = await _with_items(store, 10)
    assert await store.trim_items(_trim(lease.operation_id, 0, 6, {"folded": 6}))
    assert await store.trim_items(_trim(lease.operation_id, 6, 9, {"folded": 9}))
    items = await store.read_items(lease.operation_id, 0, 100)
    assert [(item.seq, item.output) for item in items] == [(9, {"folded": 9}), (10, {"n": 10})]


async def test_commits_after_a_trim_go_on_numbering_the_log(store: Store) -> None:
    lease = await _with_items(store, 5)
    assert await store.trim_items(_trim(lease.operation_id, 0, 4))
    more = checkpoint(lease, items=["six", "seven"], step=2)
    assert await store.commit_checkpoint(more) == "committed"
    items = await store.read_items(lease.operation_id, 0, 100)
    assert [(item.seq, item.output) for item in items] == [(5, {"n": 5}), (6, "six"), (7, "seven")]


async def test_a_trim_from_a_stale_count_is_refused_and_changes_nothing(store: Store) -> None:
    lease = await _with_items(store, 10)
    assert await store.trim_items(_trim(lease.operation_id, 0, 4))
    assert not await store.trim_items(_trim(lease.operation_id, 0, 8, {"stale": True}))
    record = await store.get_operation(lease.operation_id)
    assert record is not None and record.dropped_items == 4
    assert await _seqs(store, lease.operation_id) == [5, 6, 7, 8, 9, 10]


async def test_a_trim_past_the_log_or_backwards_is_refused(store: Store) -> None:
    lease = await _with_items(store, 3)
    assert not await store.trim_items(_trim(lease.operation_id, 0, 4))
    assert not await store.trim_items(_trim(lease.operation_id, 0, 0))
    assert not await store.trim_items(_trim("no-such-operation", 0, 1))
    assert await _seqs(store, lease.operation_id) == [1, 2, 3]


async def test_another_store_instance_reads_the_trimmed_log(backend: str, store: Store) -> None:
    lease = await _with_items(store, 8)
    assert await store.trim_items(_trim(lease.operation_id, 0, 5, "summary"))
    async with second_instance(backend, store) as twin:
        record = await twin.get_operation(lease.operation_id)
        assert record is not None and record.dropped_items == 5
        items = await twin.read_items(lease.operation_id, 0, 100)
        assert (items[0].seq, items[0].output) == (5, "summary")


async def test_a_trim_wakes_a_long_poll(store: Store) -> None:
    lease = await _with_items(store, 4)
    record = await store.get_operation(lease.operation_id)
    assert record is not None
    assert await store.trim_items(_trim(lease.operation_id, 0, 2))
    started = time.monotonic()
    await store.wait_for_change(lease.operation_id, record.revision, 5.0)
    assert time.monotonic() - started < 4.0


async def test_purging_a_trimmed_operation_removes_its_summary_too(store: Store) -> None:
    lease = await _with_items(store, 4)
    assert await store.trim_items(_trim(lease.operation_id, 0, 2, "summary"))
    done = checkpoint(
        lease, status=OperationStatus.COMPLETED, items=[], release=True, expires_at=time.time() - 1
    )
    assert await store.commit_checkpoint(done) == "committed"
    assert await store.purge_expired(time.time()) == 1
    assert await store.read_items(lease.operation_id, 0, 100) == []


async def test_a_trimmed_log_of_an_ended_operation_still_expires_with_it(
    backend: str, store: Store
) -> None:
    lease = await _with_items(store, 4)
    done = checkpoint(
        lease, status=OperationStatus.COMPLETED, items=[], release=True, expires_at=time.time() + 60
    )
    assert await store.commit_checkpoint(done) == "committed"
    assert await store.trim_items(_trim(lease.operation_id, 0, 2, "summary"))
    if backend == "redis":
        from agent_tools.stores.redis import RedisStore

        assert isinstance(store, RedisStore)
        client = store._redis()
        # The safety TTL Redis keys carry past expires_at survives the trim.
        assert await client.ttl(store._key("items", lease.operation_id)) > 0
    assert await _seqs(store, lease.operation_id) == [2, 3, 4]
