"""Budgeted slices: run, return by the deadline, continue from the checkpoint."""

from __future__ import annotations

import asyncio
import contextlib
import time

from agent_tools import Engine, OperationStatus


async def run_to_completion(engine: Engine, operation_id: str, cursor: str | None) -> list[int]:
    numbers: list[int] = []
    for _ in range(200):
        view = await engine.resume(operation_id, budget_ms=200, cursor=cursor)
        numbers += [item.output["n"] for item in view.items]  # type: ignore[index,call-overload]
        cursor = view.next_cursor
        if view.status is OperationStatus.COMPLETED and not view.has_more:
            return numbers
    raise AssertionError("operation did not complete")


async def test_operation_runs_to_completion_over_several_slices(engine: Engine) -> None:
    first = await engine.execute_incrementally(
        "count", {"total": 30, "chunk_delay_ms": 10}, budget_ms=100
    )
    assert first.status is OperationStatus.PAUSED
    assert 0 < first.progress.current_step < 30
    assert "resume" in first.next_step
    numbers = [item.output["n"] for item in first.items]  # type: ignore[index,call-overload]
    numbers += await run_to_completion(engine, first.operation_id, first.next_cursor)
    assert numbers == list(range(1, 31))
    final = await engine.get_progress(first.operation_id)
    assert final.result == {"sum": sum(range(1, 31))}
    assert final.progress.percentage == 100.0


async def test_slice_returns_by_its_deadline_when_a_chunk_outlasts_the_budget(
    engine: Engine,
) -> None:
    started = time.monotonic()
    view = await engine.execute_incrementally(
        "count", {"total": 1, "chunk_delay_ms": 600}, budget_ms=150
    )
    elapsed = time.monotonic() - started
    assert elapsed < 0.15 + 0.25, elapsed
    assert view.status is OperationStatus.RUNNING
    assert view.progress.current_step == 0
    later = await engine.resume(view.operation_id, budget_ms=3000)
    assert later.status is OperationStatus.COMPLETED
    assert later.items[0].output == {"n": 1, "key": f"{view.operation_id}:0"}


async def test_resume_returns_only_items_after_the_cursor(engine: Engine) -> None:
    view = await engine.execute_incrementally("count", {"total": 5}, budget_ms=2000)
    assert view.status is OperationStatus.COMPLETED
    assert [item.seq for item in view.items] == [1, 2, 3, 4, 5]
    again = await engine.resume(view.operation_id, cursor="3")
    assert [item.seq for item in again.items] == [4, 5]
    assert again.next_cursor == "5"
    assert not again.has_more


async def test_items_in_a_response_are_bounded_by_count_and_bytes(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "count", {"total": 60, "payload_bytes": 2000}, budget_ms=3000
    )
    assert view.status is OperationStatus.COMPLETED
    size = sum(len(item.model_dump_json()) for item in view.items)
    assert size <= engine.settings.response_max_bytes + 200
    assert view.has_more
    seqs = [item.seq for item in view.items]
    cursor = view.next_cursor
    while True:
        page = await engine.get_results(view.operation_id, cursor=cursor, limit=7)
        assert len(page.items) <= 7
        seqs += [item.seq for item in page.items]
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert seqs == list(range(1, 61))


async def test_an_item_larger_than_the_byte_limit_is_shown_as_a_preview(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "count", {"total": 1, "payload_bytes": 100_000}, budget_ms=2000
    )
    output = view.items[0].output
    assert isinstance(output, dict)
    assert output["truncated"] is True
    assert output["size_bytes"] > 100_000


async def test_progress_reports_rate_and_an_eta_that_is_null_until_known(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "count", {"total": 40, "chunk_delay_ms": 10}, budget_ms=0
    )
    assert view.progress.eta_seconds is None
    assert view.progress.total_steps == 40
    view = await engine.resume(view.operation_id, budget_ms=150)
    assert view.progress.rate_per_second is not None
    assert view.progress.eta_seconds is not None
    expected = (40 - view.progress.current_step) / view.progress.rate_per_second
    assert abs(view.progress.eta_seconds - expected) < 0.01
    assert view.progress.steps_completed[-1] == f"item {view.progress.current_step}"


async def test_sync_chunks_run_off_the_event_loop(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "sync_sleep", {"chunks": 2, "sleep_ms": 50}, budget_ms=3000
    )
    assert view.status is OperationStatus.COMPLETED
    threads = {item.output["thread"] for item in view.items}  # type: ignore[index,call-overload]
    assert "MainThread" not in threads


async def test_progress_callback_hears_each_chunk(engine: Engine) -> None:
    heard: list[tuple[float, float | None]] = []

    async def on_progress(step: float, total: float | None, message: str | None) -> None:
        heard.append((step, total))

    await engine.execute_incrementally(
        "count", {"total": 5}, budget_ms=3000, on_progress=on_progress
    )
    assert [step for step, _ in heard] == [1, 2, 3, 4, 5]
    assert {total for _, total in heard} == {5}


async def test_chunks_receive_an_idempotency_key_of_operation_and_chunk(engine: Engine) -> None:
    view = await engine.execute_incrementally("count", {"total": 2}, budget_ms=2000)
    keys = [item.output["key"] for item in view.items]  # type: ignore[index,call-overload]
    assert keys == [f"{view.operation_id}:0", f"{view.operation_id}:1"]


async def test_checkpoint_interval_groups_chunks_into_one_commit(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "count", {"total": 9}, budget_ms=3000, checkpoint_interval=3
    )
    assert view.status is OperationStatus.COMPLETED
    events = await engine.store.list_events(view.operation_id)
    commits = [e for e in events if e.kind in ("checkpoint", "completed")]
    assert [(e.detail["first_chunk"], e.detail["next_chunk"]) for e in commits] == [
        (0, 3),
        (3, 6),
        (6, 9),
    ]


async def test_a_cancelled_call_lets_the_operation_rest_at_the_next_chunk(
    engine: Engine,
) -> None:
    working = asyncio.Event()

    async def on_progress(step: float, total: float | None, message: str | None) -> None:
        working.set()

    call = asyncio.create_task(
        engine.execute_incrementally(
            "count",
            {"total": 500, "chunk_delay_ms": 20},
            operation_id="abandoned",
            budget_ms=30_000,
            on_progress=on_progress,
        )
    )
    await asyncio.wait_for(working.wait(), 10)
    call.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await call
    deadline = time.monotonic() + 2
    while (await engine.get_progress("abandoned")).status is not OperationStatus.PAUSED:
        assert time.monotonic() < deadline, "the operation kept running after the call ended"
        await asyncio.sleep(0.02)
    resting = (await engine.get_progress("abandoned")).progress.current_step
    await asyncio.sleep(0.2)
    assert (await engine.get_progress("abandoned")).progress.current_step == resting < 500
