"""Start idempotency, bad input, pause, cancel and the status machine."""

from __future__ import annotations

import asyncio
import time

import pytest

from agent_tools import Engine, OperationStatus
from agent_tools.core.errors import (
    IllegalTransitionError,
    InvalidCursorError,
    InvalidInputError,
    OperationConflictError,
    OperationNotFoundError,
    UnknownOperationTypeError,
)
from agent_tools.runtime import runner


async def stored_ids(engine: Engine) -> list[str]:
    page = await engine.list_operations(limit=200)
    return [summary.operation_id for summary in page.operations]


async def test_the_same_operation_id_and_input_continues_the_same_run(engine: Engine) -> None:
    first = await engine.execute_incrementally(
        "count", {"total": 20, "chunk_delay_ms": 5}, operation_id="job-1", budget_ms=30
    )
    second = await engine.execute_incrementally(
        "count", {"total": 20, "chunk_delay_ms": 5}, operation_id="job-1", budget_ms=30
    )
    assert second.operation_id == first.operation_id == "job-1"
    assert second.progress.current_step >= first.progress.current_step
    assert await stored_ids(engine) == ["job-1"]


async def test_a_different_input_under_a_known_id_is_a_conflict(engine: Engine) -> None:
    await engine.execute_incrementally("count", {"total": 3}, operation_id="job-2", budget_ms=0)
    with pytest.raises(OperationConflictError) as raised:
        await engine.execute_incrementally("count", {"total": 4}, operation_id="job-2")
    assert raised.value.code == "operation_conflict"
    record = await engine.store.get_operation("job-2")
    assert record is not None and record.input == {
        "total": 3,
        "chunk_delay_ms": 0,
        "payload_bytes": 0,
    }


async def test_invalid_input_is_rejected_before_anything_is_stored(engine: Engine) -> None:
    with pytest.raises(InvalidInputError) as raised:
        await engine.execute_incrementally("count", {"total": "many"})
    assert raised.value.code == "invalid_input"
    assert "total" in raised.value.message
    assert "schema" in raised.value.hint.lower()
    with pytest.raises(InvalidInputError):
        await engine.execute_incrementally("count", {"total": 3}, chunk_size=0)
    with pytest.raises(InvalidInputError):
        await engine.execute_incrementally("count", {"total": 3}, mode="sideways")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        await engine.execute_incrementally("count", {"total": 3}, operation_id="bad id!")
    assert await stored_ids(engine) == []


async def test_an_unknown_operation_type_names_the_known_ones(engine: Engine) -> None:
    with pytest.raises(UnknownOperationTypeError) as raised:
        await engine.execute_incrementally("nope", {})
    assert "count" in raised.value.hint
    assert await stored_ids(engine) == []


async def test_an_unknown_operation_id_is_not_found(engine: Engine) -> None:
    for call in (
        engine.resume("missing"),
        engine.get_progress("missing"),
        engine.get_results("missing"),
        engine.pause("missing"),
        engine.cancel("missing"),
    ):
        with pytest.raises(OperationNotFoundError):
            await call


async def test_a_cursor_that_was_never_issued_is_refused(engine: Engine) -> None:
    view = await engine.execute_incrementally("count", {"total": 2}, budget_ms=1000)
    with pytest.raises(InvalidCursorError):
        await engine.get_results(view.operation_id, cursor="abc")


async def test_pause_stops_a_background_run_and_resume_continues_it(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "count", {"total": 400, "chunk_delay_ms": 5}, mode="background", budget_ms=100
    )
    paused = await engine.pause(view.operation_id)
    assert paused.status is OperationStatus.PAUSED
    steps_at_pause = (await engine.get_progress(view.operation_id)).progress.current_step
    await asyncio.sleep(0.1)
    assert (await engine.get_progress(view.operation_id)).progress.current_step == steps_at_pause
    resumed = await engine.resume(view.operation_id, budget_ms=100)
    assert resumed.status is OperationStatus.RUNNING
    assert resumed.progress.current_step > steps_at_pause


async def test_pausing_a_paused_operation_changes_nothing(engine: Engine) -> None:
    view = await engine.execute_incrementally("count", {"total": 50}, budget_ms=0)
    await engine.pause(view.operation_id)
    again = await engine.pause(view.operation_id)
    assert again.status is OperationStatus.PAUSED


async def test_cancel_interrupts_an_async_chunk_in_flight(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "hang", {"hang_s": 30}, mode="background", budget_ms=100
    )
    started = time.monotonic()
    cancelled = await engine.cancel(view.operation_id, reason="changed my mind")
    assert time.monotonic() - started < 1.5
    assert cancelled.status is OperationStatus.CANCELLED
    assert cancelled.error is not None and "changed my mind" in cancelled.error.message
    assert "cancel" in cancelled.next_step.lower()


async def test_a_completed_operation_cannot_be_paused_or_cancelled(engine: Engine) -> None:
    view = await engine.execute_incrementally("count", {"total": 1}, budget_ms=1000)
    assert view.status is OperationStatus.COMPLETED
    with pytest.raises(IllegalTransitionError) as raised:
        await engine.pause(view.operation_id)
    assert raised.value.code == "illegal_transition"
    with pytest.raises(IllegalTransitionError):
        await engine.cancel(view.operation_id)
    assert (await engine.get_progress(view.operation_id)).status is OperationStatus.COMPLETED


async def test_resuming_a_cancelled_operation_runs_nothing(engine: Engine) -> None:
    view = await engine.execute_incrementally("count", {"total": 50}, budget_ms=0)
    await engine.cancel(view.operation_id)
    again = await engine.resume(view.operation_id, budget_ms=200)
    assert again.status is OperationStatus.CANCELLED
    assert again.progress.current_step == view.progress.current_step


async def test_list_operations_filters_by_status_and_pages(engine: Engine) -> None:
    for index in range(5):
        await engine.execute_incrementally(
            "count", {"total": 1}, operation_id=f"done-{index}", budget_ms=1000
        )
    await engine.execute_incrementally("count", {"total": 9}, operation_id="rest", budget_ms=0)
    completed = await engine.list_operations(status="completed", limit=2)
    assert len(completed.operations) == 2 and completed.has_more
    seen = [s.operation_id for s in completed.operations]
    cursor = completed.next_cursor
    while cursor:
        page = await engine.list_operations(status="completed", limit=2, cursor=cursor)
        seen += [s.operation_id for s in page.operations]
        cursor = page.next_cursor
    assert sorted(seen) == [f"done-{i}" for i in range(5)]
    with pytest.raises(InvalidInputError):
        await engine.list_operations(status="sleeping")


async def test_chunks_that_never_wait_still_let_other_tasks_run(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner passes through the loop every YIELD_EVERY_S, not once per chunk."""
    monkeypatch.setattr(runner, "YIELD_EVERY_S", 0.0)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    counting = asyncio.create_task(ticker())
    try:
        view = await engine.execute_incrementally("count", {"total": 300}, budget_ms=60_000)
    finally:
        counting.cancel()
    assert view.status is OperationStatus.COMPLETED
    assert ticks >= 300
