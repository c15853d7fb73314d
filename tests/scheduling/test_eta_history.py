"""ETA from history: before a run has data of its own, earlier runs of its type say how long."""

from __future__ import annotations

import time
from typing import Any

import pytest

from agent_tools import Engine
from agent_tools.core.eta_history import RunSample, blend, estimate
from agent_tools.core.records import ExpectedRun, ProgressRecord
from agent_tools.core.status import OperationStatus
from agent_tools.core.views import OperationView
from tests.scheduling.conftest import run_to_end

SETUP_MS = 300.0
STEP_MS = 5.0
FIRST_SLICE_MS = 40
"""Long enough to start one chunk; the first chunk also takes 30 ms of real time."""


def _task(units: int, **extra: Any) -> dict[str, Any]:
    return {"phases": [{"units": units, "cost_ms": STEP_MS}], "setup_ms": SETUP_MS, **extra}


def _seconds_for(steps: int) -> float:
    """What ``steps`` steps of a run cost on the counted clock (the first carries set-up)."""
    return 0.0 if steps == 0 else (SETUP_MS + STEP_MS * steps) / 1000


async def _first_slice(engine: Engine, units: int) -> OperationView:
    view = await engine.execute_incrementally(
        "phased_fixed", _task(units, first_chunk_wall_ms=30), budget_ms=FIRST_SLICE_MS
    )
    assert not view.status.is_terminal
    # The call may return while its chunk still runs; let it rest before the next run counts
    # work on the shared clock.
    rested, deadline = view, time.monotonic() + 30
    while rested.status is not OperationStatus.PAUSED:
        assert time.monotonic() < deadline, rested
        rested = await engine.get_progress(view.operation_id, wait_ms=1000)
    return view


def _true_eta(view: OperationView, units: int) -> float:
    return _seconds_for(units) - _seconds_for(view.progress.current_step)


async def test_the_first_slice_eta_of_a_second_run_is_within_20_percent_of_its_true_duration(
    engine: Engine,
) -> None:
    first = await _first_slice(engine, 200)
    first_truth = _true_eta(first, 200)
    await run_to_end(engine, "phased_fixed", _task(200))
    second = await _first_slice(engine, 200)
    truth = _true_eta(second, 200)
    eta = second.progress.eta_seconds
    assert eta is not None and abs(eta - truth) <= 0.2 * truth, (eta, truth)
    assert second.progress.eta_basis in ("history", "blend")
    # The run's own first chunk alone (set-up cost and all) says far too much, or nothing.
    first_eta = first.progress.eta_seconds
    assert first_eta is None or abs(first_eta - first_truth) > 0.2 * first_truth


async def test_history_scales_to_the_planned_input_size_with_its_setup_cost(
    engine: Engine,
) -> None:
    await run_to_end(engine, "phased_fixed", _task(100))
    await run_to_end(engine, "phased_fixed", _task(200))
    view = await engine.execute_incrementally("phased_fixed", _task(400), budget_ms=0)
    progress = view.progress
    assert progress.eta_basis == "history"
    assert progress.eta_seconds == pytest.approx(_seconds_for(400), rel=0.01)
    assert progress.eta_low_seconds is not None and progress.eta_high_seconds is not None
    assert progress.eta_low_seconds <= progress.eta_seconds <= progress.eta_high_seconds


async def test_a_type_that_never_ran_has_no_eta_before_its_first_chunk(engine: Engine) -> None:
    view = await engine.execute_incrementally("phased_fixed", _task(50), budget_ms=0)
    assert view.progress.eta_seconds is None and view.progress.eta_basis is None
    assert view.progress.eta_low_seconds is None


def test_the_run_s_own_rate_weighs_more_as_it_gets_on() -> None:
    expected = ExpectedRun(seconds=100.0, low_seconds=80.0, high_seconds=120.0, samples=3)
    early = blend(_progress(expected, current_step=5, own_eta=400.0, spent=5.0))
    late = blend(_progress(expected, current_step=90, own_eta=40.0, spent=60.0))
    assert early.eta_basis == late.eta_basis == "blend"
    assert early.eta_seconds is not None and abs(early.eta_seconds - 95.0) < 10
    assert late.eta_seconds is not None and abs(late.eta_seconds - 40.0) < 4
    assert late.eta_low_seconds is not None and late.eta_high_seconds is not None
    assert late.eta_low_seconds <= late.eta_seconds <= late.eta_high_seconds


def _progress(
    expected: ExpectedRun, *, current_step: int, own_eta: float, spent: float
) -> ProgressRecord:
    return ProgressRecord(
        current_step=current_step,
        total_steps=100,
        eta_seconds=own_eta,
        eta_low_seconds=own_eta,
        eta_high_seconds=own_eta,
        active_seconds=spent,
        expected=expected,
    )


def _samples(*runs: tuple[int, float]) -> list[RunSample]:
    return [
        RunSample(operation_type="t", total_steps=steps, active_seconds=seconds, finished_at=0)
        for steps, seconds in runs
    ]


def test_the_range_narrows_as_samples_agree() -> None:
    one = estimate(_samples((100, 10.0)), 100)
    four = estimate(_samples((100, 10.0), (100, 10.0), (100, 10.0), (100, 10.0)), 100)
    assert one is not None and four is not None
    assert one.seconds == four.seconds == 10.0
    assert one.high_seconds - one.low_seconds == pytest.approx(10.0)
    assert four.high_seconds - four.low_seconds == pytest.approx(2.5)


def test_the_range_holds_the_samples_that_disagree() -> None:
    spread = estimate(_samples((100, 8.0), (100, 12.0), (100, 10.0)), 100)
    assert spread is not None and spread.seconds == 10.0
    assert spread.low_seconds <= 8.0 and spread.high_seconds >= 12.0


def test_without_a_planned_total_the_estimate_is_the_mean_duration() -> None:
    mean = estimate(_samples((40, 4.0), (80, 8.0)), None)
    assert mean is not None and mean.seconds == 6.0
