"""Adaptive chunk sizing: a resizable chunk is tuned to take its target time."""

from __future__ import annotations

import time
from typing import Any

from agent_tools import Engine
from agent_tools.runtime.chunk_sizing import ChunkSizer
from tests.scheduling.conftest import all_items, run_to_end

TARGET_MS = 1000
REACTION_CHUNKS = 3
"""The issue's "within a few chunks": chunks after a change of cost before sizes settle."""
START_CHUNKS = 6
"""From a first size of 1, growing at most fourfold per chunk, 1000 is reached in 6 chunks."""

CHEAP_EXPENSIVE_CHEAP = {
    "phases": [
        {"units": 12_000, "cost_ms": 1},
        {"units": 1_500, "cost_ms": 10},
        {"units": 12_000, "cost_ms": 1},
    ]
}


def _phase_starts(phases: list[dict[str, Any]]) -> list[int]:
    starts, unit = [], 0
    for phase in phases:
        starts.append(unit)
        unit += phase["units"]
    return starts


def _chunks_from(chunks: list[dict[str, Any]], unit: int, until: int) -> list[dict[str, Any]]:
    return [chunk for chunk in chunks if unit <= chunk["first_unit"] < until]


async def test_chunk_size_follows_a_tenfold_change_of_cost_within_a_few_chunks(
    engine: Engine,
) -> None:
    view = await run_to_end(engine, "phased", CHEAP_EXPENSIVE_CHEAP)
    chunks = await all_items(engine, view.operation_id)
    phases = CHEAP_EXPENSIVE_CHEAP["phases"]
    starts = [*_phase_starts(phases), 10**9]
    for number, phase in enumerate(phases):
        in_phase = _chunks_from(chunks, starts[number], starts[number + 1])
        reaction = START_CHUNKS if number == 0 else REACTION_CHUNKS
        settled = in_phase[reaction:-1]  # the last one may be cut by the phase's end
        assert len(settled) >= 3, in_phase
        expected_size = TARGET_MS / phase["cost_ms"]
        assert {chunk["size"] for chunk in settled} == {expected_size}, (number, in_phase)
        assert all(chunk["ms"] == TARGET_MS for chunk in settled)


async def test_one_chunk_at_a_tenfold_cost_is_enough_to_size_the_next(engine: Engine) -> None:
    view = await run_to_end(engine, "phased", CHEAP_EXPENSIVE_CHEAP)
    chunks = await all_items(engine, view.operation_id)
    expensive_from = CHEAP_EXPENSIVE_CHEAP["phases"][0]["units"]
    first = next(i for i, chunk in enumerate(chunks) if chunk["first_unit"] >= expensive_from)
    assert chunks[first]["ms"] > TARGET_MS  # sized for the old cost: it overshoots once
    assert chunks[first + 1]["size"] == TARGET_MS / 10


async def test_the_tuned_size_is_kept_from_one_slice_to_the_next(engine: Engine) -> None:
    task = {"phases": [{"units": 100_000_000, "cost_ms": 1}]}
    first = await engine.execute_incrementally("phased", task, budget_ms=200)
    assert first.status.value == "paused"
    record = await engine.store.get_operation(first.operation_id)
    assert record is not None and record.progress.chunk_size == TARGET_MS
    await engine.resume(first.operation_id, budget_ms=200)
    await engine.cancel(first.operation_id)
    chunks = await all_items(engine, first.operation_id)
    later = [chunk for chunk in chunks if chunk["first_unit"] >= first.progress.current_step]
    assert later and {chunk["size"] for chunk in later[:-1]} <= {TARGET_MS}
    assert later[0]["size"] == TARGET_MS


async def test_by_default_a_chunk_aims_at_a_fifth_of_the_budget(engine: Engine) -> None:
    task = {"phases": [{"units": 5_000, "cost_ms": 1}]}
    view = await engine.execute_incrementally(
        "phased_default_target", task, mode="background", budget_ms=5000
    )
    deadline = time.monotonic() + 30
    while not view.status.is_terminal:
        assert time.monotonic() < deadline, view
        view = await engine.get_progress(view.operation_id, wait_ms=1000)
    chunks = await all_items(engine, view.operation_id)
    # The engine's budget is 1000 ms, so a background chunk aims at 200 ms: 200 units.
    assert chunks[-2]["size"] == 200


async def test_a_type_without_resizable_chunks_keeps_its_size(engine: Engine) -> None:
    view = await run_to_end(engine, "phased_fixed", {"phases": [{"units": 50, "cost_ms": 1}]})
    chunks = await all_items(engine, view.operation_id)
    assert {chunk["size"] for chunk in chunks} == {1}


async def test_a_chunk_size_the_caller_names_is_not_tuned(engine: Engine) -> None:
    task = {"phases": [{"units": 300, "cost_ms": 1}]}
    view = await engine.execute_incrementally("phased", task, chunk_size=7, budget_ms=5000)
    chunks = await all_items(engine, view.operation_id)
    assert {chunk["size"] for chunk in chunks[:-1]} == {7}


def test_growth_is_bounded_so_one_fast_sample_cannot_blow_a_chunk_up() -> None:
    sizer = ChunkSizer(size=10, target_s=1.0, max_size=1_000_000)
    sizer.observe(10, 0.00001)
    assert sizer.size == 40
    sizer.observe(40, 0.00004)
    assert sizer.size == 160


def test_size_stays_within_one_and_the_maximum() -> None:
    sizer = ChunkSizer(size=10, target_s=1.0, max_size=50)
    sizer.observe(10, 100.0)
    assert sizer.size == 1
    for _ in range(10):
        sizer.observe(sizer.size, sizer.size * 0.0001)
    assert sizer.size == 50
