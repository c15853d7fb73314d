"""Every store writes an audit entry with each transition, and none for a plain checkpoint."""

from __future__ import annotations

import time

from agent_tools.core.audit import AuditEntry, AuditQuery
from agent_tools.core.input_requests import InputResponse
from agent_tools.core.purging import PurgeFilter
from agent_tools.core.records import ErrorInfo, Event, InputRoundChange, LeaseRequest
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.audit_chains import checked
from tests.contract.records import checkpoint, new_record, status_change
from tests.contract.test_input_rounds import QUESTIONS

RUNNING = OperationStatus.RUNNING
PAUSED = OperationStatus.PAUSED


async def actions(store: Store, operation_id: str) -> list[tuple[str, str, str]]:
    entries = await store.read_audit(AuditQuery(operation_id=operation_id))
    return [
        (entry.record.action, entry.record.principal, entry.record.outcome) for entry in entries
    ]


async def last(store: Store) -> AuditEntry:
    entries = await store.read_audit(AuditQuery())
    return entries[-1]


async def test_creating_an_operation_records_who_it_is_for(store: Store) -> None:
    record, _ = await store.create_operation(new_record("op-a"))
    await store.create_operation(new_record("op-a"))  # already there: no second entry

    assert await actions(store, "op-a") == [("operation.created", "alice", "ok")]
    entry = await last(store)
    assert entry.record.detail["type"] == "count" and entry.record.at == record.created_at


async def test_a_plain_checkpoint_writes_no_audit_entry(store: Store) -> None:
    await store.create_operation(new_record("op-a", status=RUNNING))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id="op-a", holder="worker-a", ttl_s=30), time.time()
    )
    assert lease is not None
    assert await store.commit_checkpoint(checkpoint(lease, step=1)) == "committed"
    assert await store.commit_checkpoint(checkpoint(lease, step=2)) == "committed"

    assert [action for action, _, _ in await actions(store, "op-a")] == ["operation.created"]


async def test_a_commit_that_ends_the_run_is_recorded_by_the_engine(store: Store) -> None:
    await store.create_operation(new_record("op-a", status=RUNNING))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id="op-a", holder="worker-a", ttl_s=30), time.time()
    )
    assert lease is not None
    failure = ErrorInfo(code="timeout", message="Too slow.", hint="Raise timeout_ms.")
    failed = checkpoint(lease, status=OperationStatus.FAILED, error=failure, release=True)
    assert await store.commit_checkpoint(failed) == "committed"

    assert (await actions(store, "op-a"))[-1] == ("operation.failed", "system", "timeout")
    assert dict((await last(store)).record.detail) == {"from": "running", "to": "failed"}


async def test_asking_a_question_is_recorded_as_input_requested(store: Store) -> None:
    await store.create_operation(new_record("op-a", status=RUNNING))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id="op-a", holder="worker-a", ttl_s=30), time.time()
    )
    assert lease is not None
    asked = checkpoint(lease, status=PAUSED, release=True).model_copy(
        update={"event": Event(kind="input_requested", at=time.time())}
    )
    assert await store.commit_checkpoint(asked) == "committed"

    assert (await actions(store, "op-a"))[-1] == ("operation.input_requested", "system", "ok")


async def test_a_status_change_names_its_actor(store: Store) -> None:
    await store.create_operation(new_record("op-a", status=RUNNING))
    change = status_change("op-a", {RUNNING}, PAUSED).model_copy(update={"actor": "bob"})
    assert await store.change_status(change, time.time()) is not None
    refused = status_change("op-a", {RUNNING}, OperationStatus.CANCELLED)
    assert await store.change_status(refused, time.time()) is None  # no transition, no entry

    assert await actions(store, "op-a") == [
        ("operation.created", "alice", "ok"),
        ("operation.paused", "bob", "ok"),
    ]
    assert dict((await last(store)).record.detail) == {"from": "running", "to": "paused"}


async def test_answers_are_recorded_without_their_content(store: Store) -> None:
    record, _ = await store.create_operation(
        new_record("op-a", status=PAUSED, input_round=QUESTIONS)
    )
    answered = QUESTIONS.answered(
        {"confirm": InputResponse(content={"confirm": True, "why": "ultramarine-secret"})}
    )
    change = InputRoundChange(
        operation_id="op-a",
        expected_revision=record.revision,
        input_round=answered,
        status=PAUSED,
        event=Event(kind="input_received", at=time.time()),
        actor="carol",
    )
    assert await store.save_input_round(change, time.time()) is not None

    entry = await last(store)
    assert (entry.record.action, entry.record.principal) == ("operation.input_answered", "carol")
    assert "ultramarine-secret" not in repr(entry)


async def test_taking_over_an_expired_lease_is_recorded(store: Store) -> None:
    await store.create_operation(new_record("op-a", status=RUNNING))
    now = time.time()
    assert (
        await store.acquire_lease(
            LeaseRequest(operation_id="op-a", holder="worker-a", ttl_s=5), now
        )
        is not None
    )
    assert (
        await store.acquire_lease(
            LeaseRequest(operation_id="op-a", holder="worker-a", ttl_s=5), now + 1
        )
        is not None
    )  # its own
    assert (
        await store.acquire_lease(
            LeaseRequest(operation_id="op-a", holder="worker-b", ttl_s=5), now + 100
        )
        is not None
    )

    assert [action for action, _, _ in await actions(store, "op-a")] == [
        "operation.created",
        "operation.lease_takeover",
    ]
    detail = (await last(store)).record.detail
    assert (detail["from_holder"], detail["to_holder"]) == ("worker-a", "worker-b")


async def test_taking_over_a_dead_holders_lease_is_recorded(store: Store) -> None:
    await store.create_operation(new_record("op-a", status=RUNNING))
    now = time.time()
    assert (
        await store.acquire_lease(LeaseRequest(operation_id="op-a", holder="dead", ttl_s=60), now)
        is not None
    )
    assert (
        await store.acquire_lease(
            LeaseRequest(operation_id="op-a", holder="alive", ttl_s=60, dead_holder="dead"), now
        )
        is not None
    )
    assert (await last(store)).record.action == "operation.lease_takeover"


async def test_a_released_lease_taken_again_is_no_takeover(store: Store) -> None:
    await store.create_operation(new_record("op-a", status=RUNNING))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id="op-a", holder="worker-a", ttl_s=60), time.time()
    )
    assert lease is not None
    await store.release_lease(lease)
    assert (
        await store.acquire_lease(
            LeaseRequest(operation_id="op-a", holder="worker-b", ttl_s=60), time.time()
        )
        is not None
    )
    assert [action for action, _, _ in await actions(store, "op-a")] == ["operation.created"]


async def test_purged_and_erased_operations_keep_their_audit_entries(store: Store) -> None:
    await store.create_operation(new_record("op-a", status=OperationStatus.CANCELLED))
    await store.create_operation(new_record("op-b"))
    assert await store.purge_ended(PurgeFilter()) == 1
    assert await store.erase_owner("alice") == 1

    assert len(await store.read_audit(AuditQuery(operation_id="op-a"))) == 1
    assert len(await store.read_audit(AuditQuery(operation_id="op-b"))) == 1
    assert (await checked(store)).ok
