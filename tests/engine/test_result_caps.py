"""Capped result logs: a long run keeps its newest items, and readers are told what went."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_tools import Engine, OperationStatus, operation
from agent_tools.core.errors import InvalidInputError
from agent_tools.core.records import ResultItem
from agent_tools.core.views import OperationView
from tests.engine.conftest import engine_settings
from tests.fixtures.capped_crash_driver import OPERATION_ID
from tests.fixtures.capped_ops import CAP, CRASH_IN_FOLD, ManyInput, registry

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LONG_BUDGET_MS = 60_000


@pytest.fixture
async def engine(store_url: str) -> AsyncIterator[Engine]:
    settings = engine_settings(max_budget_ms=LONG_BUDGET_MS)
    async with Engine.from_url(store_url, registry=registry, settings=settings) as running:
        yield running


async def _run_to_end(engine: Engine, operation_type: str, **options: object) -> OperationView:
    view = await engine.execute_incrementally(
        operation_type,
        {"total": 10_000, "per_chunk": 100},
        budget_ms=LONG_BUDGET_MS,
        **options,  # type: ignore[arg-type]
    )
    while view.status is not OperationStatus.COMPLETED:
        assert not view.status.is_terminal, view
        view = await engine.resume(view.operation_id, budget_ms=LONG_BUDGET_MS)
    return view


def _number(item: ResultItem) -> int:
    assert isinstance(item.output, dict)
    return int(str(item.output["n"]))


def _numbers(view: OperationView) -> list[int]:
    return [_number(item) for item in view.items]


async def test_a_10000_item_run_capped_at_100_keeps_the_newest_100(engine: Engine) -> None:
    done = await _run_to_end(engine, "capped")
    view = await engine.get_results(done.operation_id, limit=200)
    assert _numbers(view) == list(range(9_901, 10_001))
    assert [item.seq for item in view.items] == list(range(9_901, 10_001))
    assert (view.items_total, view.dropped_items) == (10_000, 9_900)
    assert view.progress.current_step == view.progress.total_steps == 10_000
    assert view.result == {"last": 10_000}


async def test_reading_from_cursor_0_says_how_many_items_were_dropped(engine: Engine) -> None:
    done = await _run_to_end(engine, "capped")
    view = await engine.get_results(done.operation_id, cursor="0", limit=10)
    assert view.skipped_items == 9_900
    assert view.items[0].seq == 9_901
    assert view.next_step.startswith("9900 result items after your cursor were dropped")
    assert f"newest {CAP}" in view.next_step
    assert view.has_more and view.next_cursor == "9910"


async def test_a_cursor_inside_the_dropped_part_continues_from_the_oldest_kept(
    engine: Engine,
) -> None:
    done = await _run_to_end(engine, "capped")
    view = await engine.get_results(done.operation_id, cursor="5000", limit=5)
    assert (view.skipped_items, _numbers(view)) == (4_900, [9_901, 9_902, 9_903, 9_904, 9_905])


async def test_a_cursor_among_the_kept_items_reads_as_before(engine: Engine) -> None:
    done = await _run_to_end(engine, "capped")
    view = await engine.get_results(done.operation_id, cursor="9990", limit=50)
    assert (view.skipped_items, _numbers(view)) == (0, list(range(9_991, 10_001)))
    assert not view.next_step.startswith("0 ")
    assert "dropped" not in view.next_step


async def test_compact_results_folds_the_dropped_items_into_one_summary(engine: Engine) -> None:
    done = await _run_to_end(engine, "folded")
    view = await engine.get_results(done.operation_id, limit=200)
    summary, *kept = view.items
    assert summary.seq == view.dropped_items == 9_900
    assert summary.output == {"summary": True, "count": 9_900, "sum": 9_900 * 9_901 // 2}
    assert [_number(item) for item in kept] == list(range(9_901, 10_001))
    assert "the first item here is their summary" in view.next_step


async def test_a_run_may_set_its_own_cap(engine: Engine) -> None:
    done = await _run_to_end(engine, "uncapped", max_result_items=10)
    view = await engine.get_results(done.operation_id, cursor="9900", limit=200)
    summary, *kept = view.items
    assert summary.output == {"summary": True, "count": 9_990, "sum": 9_990 * 9_991 // 2}
    assert [_number(item) for item in kept] == list(range(9_991, 10_001))


async def test_an_uncapped_run_keeps_every_item(engine: Engine) -> None:
    done = await _run_to_end(engine, "uncapped")
    view = await engine.get_results(done.operation_id, limit=200)
    assert (view.dropped_items, view.skipped_items, view.items[0].seq) == (0, 0, 1)


async def test_between_calls_an_inline_run_holds_at_most_its_cap(engine: Engine) -> None:
    view = await engine.execute_incrementally("capped", {"total": 400}, budget_ms=30)
    while view.status is not OperationStatus.COMPLETED:
        record = await engine.store.get_operation(view.operation_id)
        assert record is not None
        assert record.item_count - record.dropped_items <= CAP
        view = await engine.resume(view.operation_id, budget_ms=30)
    record = await engine.store.get_operation(view.operation_id)
    assert record is not None and (record.item_count, record.dropped_items) == (400, 300)


async def test_a_background_run_is_trimmed_to_its_cap_right_after_it_ends(
    engine: Engine,
) -> None:
    view = await engine.execute_incrementally(
        "capped", {"total": 1_000, "per_chunk": 10}, mode="background", budget_ms=0
    )
    deadline = time.monotonic() + 30
    mark = await engine.wait_for_change(view.operation_id)
    # The trim is a store call of its own right after the commit that ends the run.
    while view.status is not OperationStatus.COMPLETED or view.dropped_items < 900:
        assert time.monotonic() < deadline, view
        mark = await engine.wait_for_change(view.operation_id, mark.revision, wait_ms=1000)
        view = await engine.get_progress(view.operation_id)
    assert (view.dropped_items, view.items_total) == (900, 1_000)


async def test_a_failing_compaction_keeps_the_whole_log(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "broken_folded", {"total": 300, "per_chunk": 50}, budget_ms=LONG_BUDGET_MS
    )
    assert view.status is OperationStatus.COMPLETED
    full = await engine.get_results(view.operation_id, limit=200)
    assert (full.dropped_items, full.items[0].seq) == (0, 1)


async def test_a_cap_below_one_is_refused_and_nothing_is_stored(engine: Engine) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await engine.execute_incrementally("capped", {"total": 3}, max_result_items=0)
    assert refused.value.code == "invalid_input"
    assert "max_result_items" in refused.value.hint
    assert (await engine.list_operations()).operations == []


def test_a_type_with_a_cap_below_one_is_refused_at_declaration() -> None:
    with pytest.raises(ValueError, match="max_result_items"):
        operation(name="bad", input_model=ManyInput, max_result_items=0, register=False)


def _run_driver_that_crashes_mid_trim(database: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tests.fixtures.capped_crash_driver", str(database), "1000", "50"],
        cwd=PROJECT_ROOT,
        env={**os.environ, CRASH_IN_FOLD: "1"},
        capture_output=True,
        timeout=120,
        check=False,
    )


async def test_a_crash_mid_trim_loses_no_kept_item(tmp_path: Path) -> None:
    database = tmp_path / "crash.db"
    crashed = await asyncio.to_thread(_run_driver_that_crashes_mid_trim, database)
    assert crashed.returncode == 3, crashed.stderr.decode()[-2000:]
    settings = engine_settings(max_budget_ms=LONG_BUDGET_MS)
    async with Engine.from_url(f"sqlite:///{database}", registry=registry, settings=settings) as e:
        record = await e.store.get_operation(OPERATION_ID)
        assert record is not None and record.dropped_items == 0
        committed = await e.store.read_items(OPERATION_ID, 0, 10_000)
        assert [item.output for item in committed] == [
            {"n": n} for n in range(1, record.item_count + 1)
        ]
        assert record.item_count > CAP
        view = await e.resume(OPERATION_ID, budget_ms=LONG_BUDGET_MS)
        while view.status is not OperationStatus.COMPLETED:
            view = await e.resume(OPERATION_ID, budget_ms=LONG_BUDGET_MS)
        summary, *kept = (await e.get_results(OPERATION_ID, limit=200)).items
        assert summary.output == {"summary": True, "count": 900, "sum": 900 * 901 // 2}
        assert [item.output for item in kept] == [{"n": n} for n in range(901, 1_001)]
