"""The store contract for questions: rounds written by commits, answers by compare-and-set."""

from __future__ import annotations

import time

from agent_tools.core.input_requests import InputRequest, InputResponse, InputRound
from agent_tools.core.records import Event, InputRoundChange, LeaseRequest, OperationRecord
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.records import checkpoint, new_record

RUNNING = OperationStatus.RUNNING
PAUSED = OperationStatus.PAUSED

QUESTIONS = InputRound.asked(
    4,
    {
        "confirm": InputRequest(
            message="Delete report.pdf?",
            requested_schema={
                "type": "object",
                "properties": {"confirm": {"type": "boolean"}},
                "required": ["confirm"],
            },
        ),
        "name": InputRequest(message="Your name?"),
    },
)


def answer_change(
    record: OperationRecord, input_round: InputRound, status: OperationStatus
) -> InputRoundChange:
    return InputRoundChange(
        operation_id=record.operation_id,
        expected_revision=record.revision,
        input_round=input_round,
        status=status,
        event=Event(kind="input_received", at=time.time(), detail={"keys": ["confirm@4"]}),
    )


async def paused_with_questions(store: Store) -> OperationRecord:
    record, _ = await store.create_operation(new_record(status=RUNNING, mode="background"))
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=record.operation_id, holder="worker-a", ttl_s=30), time.time()
    )
    assert lease is not None
    asking = checkpoint(lease, status=PAUSED, release=True, input_round=QUESTIONS)
    assert await store.commit_checkpoint(asking) == "committed"
    stored = await store.get_operation(record.operation_id)
    assert stored is not None
    return stored


async def test_a_commit_stores_the_round_exactly(store: Store) -> None:
    record = await paused_with_questions(store)
    assert record.status is PAUSED
    assert record.input_round == QUESTIONS
    assert record.lease_holder is None


async def test_a_commit_without_a_round_clears_the_stored_one(store: Store) -> None:
    record = await paused_with_questions(store)
    answered = QUESTIONS.answered(
        {
            "confirm": InputResponse(content={"confirm": True}),
            "name": InputResponse(action="decline"),
        }
    )
    saved = await store.save_input_round(answer_change(record, answered, RUNNING), time.time())
    assert saved is not None
    lease = await store.acquire_lease(
        LeaseRequest(operation_id=record.operation_id, holder="worker-b", ttl_s=30), time.time()
    )
    assert lease is not None
    assert await store.commit_checkpoint(checkpoint(lease, step=5)) == "committed"
    after = await store.get_operation(record.operation_id)
    assert after is not None and after.input_round is None


async def test_saving_answers_writes_round_status_event_and_revision_together(store: Store) -> None:
    record = await paused_with_questions(store)
    partial = QUESTIONS.answered({"confirm": InputResponse(content={"confirm": False})})
    saved = await store.save_input_round(answer_change(record, partial, PAUSED), 42.5)
    assert saved is not None
    assert saved.input_round == partial
    assert saved.input_round is not None and not saved.input_round.complete
    assert saved.status is PAUSED
    assert saved.updated_at == 42.5
    assert saved.revision == record.revision + 1
    assert await store.get_operation(record.operation_id) == saved
    events = await store.list_events(record.operation_id)
    assert events[-1].kind == "input_received"
    assert events[-1].detail == {"keys": ["confirm@4"]}


async def test_saving_answers_with_a_stale_revision_writes_nothing(store: Store) -> None:
    record = await paused_with_questions(store)
    first = QUESTIONS.answered({"confirm": InputResponse(content={"confirm": True})})
    assert await store.save_input_round(answer_change(record, first, PAUSED), 1.0) is not None
    second = QUESTIONS.answered({"name": InputResponse(content={})})
    stale = answer_change(record, second, RUNNING)
    before = await store.get_operation(record.operation_id)
    assert await store.save_input_round(stale, 2.0) is None
    assert await store.get_operation(record.operation_id) == before
    assert [e.kind for e in await store.list_events(record.operation_id)].count(
        "input_received"
    ) == 1


async def test_the_last_answer_makes_a_background_operation_recoverable(store: Store) -> None:
    record = await paused_with_questions(store)
    assert record.operation_id not in {
        r.operation_id for r in await store.list_recoverable(time.time(), 10)
    }
    complete = QUESTIONS.answered(
        {
            "confirm": InputResponse(content={"confirm": True}),
            "name": InputResponse(action="cancel"),
        }
    )
    saved = await store.save_input_round(answer_change(record, complete, RUNNING), time.time())
    assert saved is not None and saved.status is RUNNING
    recoverable = await store.list_recoverable(time.time(), 10)
    assert record.operation_id in {r.operation_id for r in recoverable}


async def test_saving_answers_for_an_unknown_operation_returns_none(store: Store) -> None:
    record = new_record("never-created")
    assert await store.save_input_round(answer_change(record, QUESTIONS, PAUSED), 1.0) is None
