"""Operations that ask their caller: they rest durably until answered, then go on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent_tools import Engine, OperationStatus
from agent_tools.core.errors import InputNotRequestedError, InvalidInputError
from tests.engine import ops
from tests.engine.conftest import engine_settings
from tests.engine.test_background import wait_for_status

YES = {"action": "accept", "content": {"delete": True}}
NOTE = {"action": "accept", "content": {"note": "old draft"}}


async def asked(engine: Engine, files: list[str], **options: Any) -> str:
    view = await engine.execute_incrementally("review", {"files": files}, **options)
    return view.operation_id


async def test_a_chunk_that_asks_pauses_the_operation_with_its_questions(engine: Engine) -> None:
    view = await engine.execute_incrementally("review", {"files": ["a.txt"]}, budget_ms=2000)
    assert view.status is OperationStatus.PAUSED
    assert sorted(view.input_requests) == ["delete@0", "note@0"]
    assert view.input_requests["delete@0"].message == "Delete a.txt?"
    assert view.input_requests["delete@0"].requested_schema == ops.DELETE_QUESTION
    assert "provide_input" in view.next_step and "delete@0" in view.next_step


async def test_resume_while_questions_are_open_does_not_run_a_chunk(engine: Engine) -> None:
    operation_id = await asked(engine, ["a.txt"])
    before = await engine.store.get_operation(operation_id)
    view = await engine.resume(operation_id, budget_ms=500)
    after = await engine.store.get_operation(operation_id)
    assert view.status is OperationStatus.PAUSED
    assert sorted(view.input_requests) == ["delete@0", "note@0"]
    assert before is not None and after is not None
    assert (after.next_chunk_index, after.state) == (before.next_chunk_index, before.state)


async def test_answers_reach_the_next_chunk_by_name(engine: Engine) -> None:
    operation_id = await asked(engine, ["a.txt", "b.txt"])
    view = await engine.provide_input(operation_id, {"delete@0": YES, "note@0": NOTE})
    assert view.items[0].output == {"file": "a.txt", "deleted": True, "note": "old draft"}
    assert sorted(view.input_requests) == ["delete@2", "note@2"]
    view = await engine.provide_input(
        operation_id, {"delete@2": {"action": "decline"}, "note@2": {"action": "cancel"}}
    )
    assert view.status is OperationStatus.COMPLETED
    assert view.result == {"reviewed": 2}
    results = await engine.get_results(operation_id)
    assert [item.output for item in results.items][1] == {
        "file": "b.txt",
        "deleted": False,
        "note": "cancel",
    }
    assert view.input_requests == {}


async def test_partial_answers_are_kept_and_the_operation_waits_for_the_rest(
    engine: Engine,
) -> None:
    operation_id = await asked(engine, ["a.txt"])
    before = await engine.get_progress(operation_id)
    view = await engine.provide_input(operation_id, {"note@0": NOTE})
    assert view.status is OperationStatus.PAUSED
    assert list(view.input_requests) == ["delete@0"]
    assert view.progress.current_step == before.progress.current_step
    view = await engine.provide_input(operation_id, {"delete@0": YES})
    assert view.status is OperationStatus.COMPLETED
    assert view.items[0].output == {"file": "a.txt", "deleted": True, "note": "old draft"}


async def test_an_answer_given_twice_keeps_the_first(engine: Engine) -> None:
    operation_id = await asked(engine, ["a.txt"])
    await engine.provide_input(operation_id, {"note@0": NOTE})
    second = {"action": "accept", "content": {"note": "changed my mind"}}
    with pytest.raises(InputNotRequestedError):
        await engine.provide_input(operation_id, {"note@0": second})
    view = await engine.provide_input(operation_id, {"delete@0": YES})
    assert view.items[0].output["note"] == "old draft"  # type: ignore[index,call-overload]


async def test_bad_answers_are_refused_with_a_hint_and_store_nothing(engine: Engine) -> None:
    operation_id = await asked(engine, ["a.txt"])
    before = await engine.store.get_operation(operation_id)
    wrong_type = {"delete@0": {"action": "accept", "content": {"delete": "yes"}}, "note@0": NOTE}
    with pytest.raises(InvalidInputError) as mismatch:
        await engine.provide_input(operation_id, wrong_type)
    assert "delete@0" in mismatch.value.message and "boolean" in mismatch.value.message
    assert "requested_schema" in mismatch.value.hint
    with pytest.raises(InvalidInputError) as malformed:
        await engine.provide_input(operation_id, {"delete@0": {"action": "maybe"}})
    assert "delete@0" in malformed.value.message
    with pytest.raises(InputNotRequestedError) as unknown:
        await engine.provide_input(operation_id, {"delete@7": YES, "note@0": NOTE})
    assert unknown.value.code == "input_not_requested"
    assert "delete@0" in unknown.value.hint
    assert await engine.store.get_operation(operation_id) == before


async def test_ignore_unknown_skips_other_keys_even_malformed_ones(engine: Engine) -> None:
    operation_id = await asked(engine, ["a.txt"])
    view = await engine.provide_input(
        operation_id,
        {"delete@0": YES, "note@0": NOTE, "stale@9": {"not": "an answer"}},
        ignore_unknown=True,
    )
    assert view.status is OperationStatus.COMPLETED


async def test_a_cancelled_operation_waits_on_nothing(engine: Engine) -> None:
    operation_id = await asked(engine, ["a.txt"])
    view = await engine.cancel(operation_id)
    assert view.status is OperationStatus.CANCELLED
    assert view.input_requests == {}
    with pytest.raises(InputNotRequestedError) as refused:
        await engine.provide_input(operation_id, {"delete@0": YES, "note@0": NOTE})
    assert "get_progress" in refused.value.hint


async def test_a_background_operation_goes_on_by_itself_after_the_last_answer(
    engine: Engine,
) -> None:
    operation_id = await asked(engine, ["a.txt", "b.txt"], mode="background", budget_ms=0)
    await wait_for_status(engine, operation_id, OperationStatus.PAUSED)
    view = await engine.provide_input(operation_id, {"delete@0": YES, "note@0": NOTE}, budget_ms=0)
    assert view.status in (OperationStatus.RUNNING, OperationStatus.PAUSED)
    await wait_for_status(engine, operation_id, OperationStatus.PAUSED)
    view = await engine.get_progress(operation_id)
    while not view.input_requests:
        view = await engine.get_progress(operation_id, wait_ms=200)
    assert sorted(view.input_requests) == ["delete@2", "note@2"]
    await engine.provide_input(operation_id, {"delete@2": YES, "note@2": NOTE}, budget_ms=0)
    await wait_for_status(engine, operation_id, OperationStatus.COMPLETED)
    results = await engine.get_results(operation_id)
    assert [item.output["file"] for item in results.items] == ["a.txt", "b.txt"]  # type: ignore[index,call-overload]


async def test_questions_and_answers_outlive_the_engine(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    async with Engine.from_url(url, registry=ops.registry, settings=engine_settings()) as first:
        operation_id = await asked(first, ["a.txt"])
        await first.provide_input(operation_id, {"note@0": NOTE})
    async with Engine.from_url(url, registry=ops.registry, settings=engine_settings()) as second:
        view = await second.get_progress(operation_id)
        assert list(view.input_requests) == ["delete@0"]
        view = await second.provide_input(operation_id, {"delete@0": YES})
    assert view.status is OperationStatus.COMPLETED
    assert view.items[0].output == {"file": "a.txt", "deleted": True, "note": "old draft"}
