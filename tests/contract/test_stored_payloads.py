"""The store contract for key rotation: payloads listed as stored, replaced by compare-and-set."""

from __future__ import annotations

import time

from agent_tools.core.input_requests import InputResponse, InputRound
from agent_tools.core.records import Lease, LeaseRequest, ProgressRecord
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.records import checkpoint, new_record

RUNNING = OperationStatus.RUNNING


async def _with_two_checkpoints(store: Store) -> Lease:
    record, _ = await store.create_operation(new_record(status=RUNNING))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=record.operation_id, holder="worker-a", ttl_s=30), time.time()
    )
    assert lease is not None
    for step in (1, 2):
        assert await store.commit_checkpoint(checkpoint(lease, items=[step, step], step=step))
    return lease


def _wrapped(store: Store) -> bool:
    """The encryption wrapper lists payloads sealed, as they are stored."""
    return hasattr(store, "keyring")


async def test_the_record_payloads_are_listed_in_field_order_without_empty_ones(
    store: Store,
) -> None:
    lease = await _with_two_checkpoints(store)
    payloads = await store.list_payloads(lease.operation_id, "record", 0, 10)
    assert [(p.position, p.field) for p in payloads] == [
        (1, "input"),
        (2, "state"),
        (3, "result"),
        (4, "progress"),
    ]
    assert all(isinstance(p.stored, str) and p.stored for p in payloads)
    if not _wrapped(store):
        assert payloads[1].value == {"n": 2}
        assert payloads[3].value.current_step == 2
    later = await store.list_payloads(lease.operation_id, "record", 2, 1)
    assert [p.field for p in later] == ["result"]


async def test_items_and_events_are_listed_in_order_a_page_at_a_time(store: Store) -> None:
    lease = await _with_two_checkpoints(store)
    first = await store.list_payloads(lease.operation_id, "item", 0, 3)
    rest = await store.list_payloads(lease.operation_id, "item", first[-1].position, 3)
    assert [p.position for p in first + rest] == [1, 2, 3, 4]
    if not _wrapped(store):
        assert [p.value for p in first + rest] == [1, 1, 2, 2]
    events = await store.list_payloads(lease.operation_id, "event", 0, 10)
    assert len(events) == 3  # created and two checkpoints
    assert [p.position for p in events] == sorted({p.position for p in events})
    if not _wrapped(store):
        assert [p.value for p in events[1:]] == [{"step": 1}, {"step": 2}]
    after = await store.list_payloads(lease.operation_id, "event", events[0].position, 10)
    assert [p.position for p in after] == [p.position for p in events[1:]]


async def test_a_replaced_payload_reads_back_and_nothing_else_moves(store: Store) -> None:
    lease = await _with_two_checkpoints(store)
    key = lease.operation_id
    before = await store.get_operation(key)
    assert before is not None
    fields = {p.field: p for p in await store.list_payloads(key, "record", 0, 10)}
    state, progress = fields["state"], fields["progress"]
    [item] = await store.list_payloads(key, "item", 2, 1)
    event = (await store.list_payloads(key, "event", 0, 10))[-1]
    assert await store.replace_payload(state, {"n": "replaced"})
    assert await store.replace_payload(progress, ProgressRecord(current_step=2, message="m"))
    assert await store.replace_payload(item, {"item": "replaced"})
    assert await store.replace_payload(event, {"event": "replaced"})
    after = await store.get_operation(key)
    assert after is not None
    assert after.state == {"n": "replaced"}
    assert after.progress.message == "m"
    unmoved = ("revision", "lease_token", "lease_holder", "lease_expires_at", "updated_at")
    assert {name: getattr(after, name) for name in unmoved} == {
        name: getattr(before, name) for name in unmoved
    }
    assert [i.output for i in await store.read_items(key, 2, 1)] == [{"item": "replaced"}]
    assert (await store.list_events(key))[-1].detail == {"event": "replaced"}
    assert (await store.list_events(key))[-1].kind == "checkpoint"


async def test_a_payload_written_meanwhile_is_not_replaced(store: Store) -> None:
    lease = await _with_two_checkpoints(store)
    [state] = await store.list_payloads(lease.operation_id, "record", 1, 1)
    assert await store.commit_checkpoint(checkpoint(lease, step=3)) == "committed"
    assert not await store.replace_payload(state, {"n": "stale rewrite"})
    record = await store.get_operation(lease.operation_id)
    assert record is not None and record.state == {"n": 3}


async def test_a_payload_is_replaced_only_once_from_the_same_reading(store: Store) -> None:
    lease = await _with_two_checkpoints(store)
    [item] = await store.list_payloads(lease.operation_id, "item", 0, 1)
    assert await store.replace_payload(item, "first")
    assert not await store.replace_payload(item, "second")
    assert [i.output for i in await store.read_items(lease.operation_id, 0, 1)] == ["first"]


async def test_an_input_round_is_listed_once_it_exists_and_replaced_like_any_field(
    store: Store,
) -> None:
    lease = await _with_two_checkpoints(store)
    asked = InputRound(
        chunk_index=2,
        requests={},
        responses={"word": InputResponse(action="accept", content={"word": "w"})},
    )
    done = checkpoint(lease, step=3, input_round=asked)
    assert await store.commit_checkpoint(done) == "committed"
    [listed] = await store.list_payloads(lease.operation_id, "record", 4, 10)
    assert listed.field == "input_round"
    answered = asked.model_copy(
        update={"responses": {"word": InputResponse(action="accept", content={"word": "x"})}}
    )
    assert await store.replace_payload(listed, answered)
    record = await store.get_operation(lease.operation_id)
    assert record is not None and record.input_round is not None
    assert record.input_round.responses["word"].content == {"word": "x"}


async def test_an_unknown_operation_has_no_payloads(store: Store) -> None:
    assert await store.list_payloads("no-such-operation", "record", 0, 10) == []
    assert await store.list_payloads("no-such-operation", "item", 0, 10) == []
