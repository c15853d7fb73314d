"""One name per knob: timeout_ms (whole run), chunk_timeout_ms (one chunk), checkpoint_interval."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from pathlib import Path

import pytest

from agent_tools import Engine, OperationRegistry, OperationStatus
from agent_tools.core.definitions import operation
from agent_tools.core.records import RunSettings
from tests.engine import ops
from tests.engine.conftest import engine_settings


async def test_an_operation_over_its_timeout_ms_fails_with_code_timeout_keeping_its_work(
    engine: Engine,
) -> None:
    view = await engine.execute_incrementally(
        "count", {"total": 10_000, "chunk_delay_ms": 10}, timeout_ms=150, budget_ms=5000
    )
    assert view.status is OperationStatus.FAILED
    assert view.error is not None and view.error.code == "timeout"
    assert view.error.hint is not None and "timeout_ms" in view.error.hint
    record = await engine.store.get_operation(view.operation_id)
    assert record is not None
    assert record.progress.active_seconds >= 0.15
    assert 0 < record.progress.current_step < 10_000
    assert len(view.items) == record.next_chunk_index == record.progress.current_step


async def test_an_async_chunk_in_flight_is_cut_at_the_time_left(engine: Engine) -> None:
    started = time.monotonic()
    view = await engine.execute_incrementally(
        "hang", {"hang_s": 30}, timeout_ms=100, budget_ms=10_000
    )
    assert view.status is OperationStatus.FAILED
    assert view.error is not None and view.error.code == "timeout"
    assert time.monotonic() - started < 5


async def test_time_resting_paused_between_inline_calls_does_not_count(engine: Engine) -> None:
    first = await engine.execute_incrementally(
        "count", {"total": 3, "chunk_delay_ms": 5}, timeout_ms=250, budget_ms=0
    )
    resting = first
    deadline = time.monotonic() + 5
    while resting.status is OperationStatus.RUNNING and time.monotonic() < deadline:
        resting = await engine.get_progress(first.operation_id, wait_ms=500)
    assert resting.status is OperationStatus.PAUSED
    # Rest longer than the whole limit: get_progress waits for a change that never comes.
    await engine.get_progress(first.operation_id, wait_ms=400)
    done = await engine.resume(first.operation_id, budget_ms=3000)
    assert done.status is OperationStatus.COMPLETED


async def test_chunk_timeout_ms_limits_one_chunk_and_its_hint_names_it(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "hang", {"hang_s": 5}, chunk_timeout_ms=50, timeout_ms=60_000, budget_ms=4000
    )
    assert view.status is OperationStatus.FAILED
    assert view.error is not None and view.error.code == "chunk_timeout"
    assert view.error.hint is not None and "chunk_timeout_ms" in view.error.hint


async def _commit_spans(store_url: str, registry: OperationRegistry) -> list[tuple[int, int]]:
    async with Engine.from_url(store_url, registry=registry, settings=engine_settings()) as engine:
        view = await engine.execute_incrementally("count", {"total": 7}, budget_ms=3000)
        assert view.status is OperationStatus.COMPLETED
        events = await engine.store.list_events(view.operation_id)
    return [
        (e.detail["first_chunk"], e.detail["next_chunk"])  # type: ignore[misc]
        for e in events
        if e.kind in ("checkpoint", "completed")
    ]


async def test_a_type_with_checkpoint_interval_3_commits_every_third_chunk(store_url: str) -> None:
    registry = OperationRegistry()
    registry.register(dataclasses.replace(ops.count, checkpoint_interval=3))
    assert await _commit_spans(store_url, registry) == [(0, 3), (3, 6), (6, 7)]


async def test_the_deprecated_checkpoint_every_chunks_keyword_warns_and_works(
    store_url: str,
) -> None:
    with pytest.warns(DeprecationWarning, match="checkpoint_interval"):
        old_style = operation(
            name="count", input_model=ops.CountInput, checkpoint_every_chunks=3, register=False
        )(ops.count.chunk_function)  # type: ignore[arg-type]
    assert old_style.checkpoint_interval == 3
    registry = OperationRegistry()
    registry.register(old_style)
    assert await _commit_spans(store_url, registry) == [(0, 3), (3, 6), (6, 7)]


async def test_a_stored_record_with_checkpoint_every_chunks_still_loads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    async with Engine.from_url(url, registry=ops.registry, settings=engine_settings()) as engine:
        view = await engine.execute_incrementally("count", {"total": 6}, budget_ms=0)
    old_settings = '{"mode":"inline","chunk_size":1,"checkpoint_every_chunks":2}'
    with sqlite3.connect(tmp_path / "old.db") as connection:
        connection.execute(
            "UPDATE operations SET settings = ? WHERE operation_id = ?",
            (old_settings, view.operation_id),
        )
    assert RunSettings.model_validate_json(old_settings).checkpoint_interval == 2
    async with Engine.from_url(url, registry=ops.registry, settings=engine_settings()) as engine:
        record = await engine.store.get_operation(view.operation_id)
        assert record is not None and record.settings.checkpoint_interval == 2
        done = await engine.resume(view.operation_id, budget_ms=3000)
        assert done.status is OperationStatus.COMPLETED
