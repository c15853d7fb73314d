"""The store contract of the audit log: one hash chain per store, appended atomically."""

from __future__ import annotations

import asyncio
import itertools

from agent_tools.core.audit import (
    GENESIS,
    GENESIS_HASH,
    AuditCheckpoint,
    AuditHead,
    AuditQuery,
    entry_hash,
)
from agent_tools.stores.base import Store
from tests.contract.audit_chains import access, checked
from tests.contract.backends import second_instance


async def test_an_empty_store_has_an_empty_chain_at_genesis(store: Store) -> None:
    bounds = await store.audit_bounds()
    assert bounds.checkpoint is None and bounds.head == GENESIS
    assert await store.read_audit(AuditQuery()) == []
    await store.append_audit([])
    assert (await store.audit_bounds()).head == GENESIS


async def test_appended_records_are_numbered_from_one_and_chained(store: Store) -> None:
    records = [access(number) for number in range(3)]
    await store.append_audit(records[:2])
    await store.append_audit(records[2:])

    entries = await store.read_audit(AuditQuery())
    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert [entry.record for entry in entries] == records
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    for entry in entries:
        assert entry.hash == entry_hash(entry.seq, entry.prev_hash, entry.record)
    assert (await store.audit_bounds()).head == AuditHead(3, entries[-1].hash)
    report = await checked(store)
    assert report.ok and report.count == 3


async def test_reads_page_by_seq_and_filter_by_operation(store: Store) -> None:
    await store.append_audit(
        [access(number, operation_id=f"op-{number % 3}") for number in range(12)]
    )
    page = await store.read_audit(AuditQuery(after_seq=4, limit=3))
    assert [entry.seq for entry in page] == [5, 6, 7]

    mine = await store.read_audit(AuditQuery(operation_id="op-1", limit=100))
    assert [entry.seq for entry in mine] == [2, 5, 8, 11]
    later = await store.read_audit(AuditQuery(operation_id="op-1", after_seq=5, limit=1))
    assert [entry.seq for entry in later] == [8]


async def test_a_record_without_an_operation_reads_back_as_such(store: Store) -> None:
    await store.append_audit([access(1, operation_id=None, principal="admin")])
    (entry,) = await store.read_audit(AuditQuery())
    assert entry.record.operation_id is None and entry.record.principal == "admin"
    assert (await store.read_audit(AuditQuery(operation_id="op-1"))) == []


async def test_concurrent_appenders_on_two_instances_keep_one_chain(
    store: Store, backend: str
) -> None:
    async with second_instance(backend, store) as twin:

        async def append_many(target: Store, base: int) -> None:
            for number in range(base, base + 15):
                await target.append_audit([access(number), access(number + 1000)])

        await asyncio.gather(append_many(store, 0), append_many(twin, 100), append_many(store, 200))

    report = await checked(store)
    assert report.ok, report.problem
    assert report.count == 90 and report.head.seq == 90
    numbers = {entry.record.detail["n"] for entry in await store.read_audit(AuditQuery())}
    assert len(numbers) == 90


async def test_purge_keeps_the_checkpoint_and_the_chain_after_it(store: Store) -> None:
    await store.append_audit([access(number) for number in range(6)])
    entries = await store.read_audit(AuditQuery())
    checkpoint = AuditCheckpoint(seq=4, hash=entries[3].hash, at=123.5, signature="c2ln")

    assert await store.purge_audit(checkpoint) == 4

    bounds = await store.audit_bounds()
    assert bounds.checkpoint == checkpoint
    assert bounds.head == AuditHead(6, entries[-1].hash)
    assert [entry.seq for entry in await store.read_audit(AuditQuery())] == [5, 6]
    await store.append_audit([access(7)])
    report = await checked(store)
    assert report.ok and report.count == 3 and report.head.seq == 7
