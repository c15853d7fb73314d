"""ETA from history: how long a new run should take, judged by earlier runs of its type.

Each completed run leaves a :class:`RunSample` (its steps and active seconds) in the
store. Before a new run has data of its own, its ETA comes from those samples:
a straight line ``seconds = fixed + per_step * steps`` fitted to them when their
sizes differ (so a type with set-up cost is judged right at another size), the
average seconds per step otherwise. The range says how sure the estimate is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel

from agent_tools.core.records import ExpectedRun, ProgressRecord

HISTORY_KEPT = 20
"""Samples a store keeps per operation type (the newest)."""
SINGLE_SAMPLE_SPREAD = 0.5
"""With one sample the range is this fraction either side; it narrows as 1/n with more."""


class RunSample(BaseModel):
    """One completed run, as the history keeps it."""

    operation_type: str
    total_steps: int | None
    """Steps the run did; None when the type's steps were never counted."""
    active_seconds: float
    finished_at: float


def _line(points: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """``(fixed, per_step)`` of ``seconds = fixed + per_step * steps`` through ``points``."""
    sizes = {steps for steps, _ in points}
    total_steps = sum(steps for steps, _ in points)
    total_seconds = sum(seconds for _, seconds in points)
    if len(sizes) > 1:
        count = len(points)
        mean_steps, mean_seconds = total_steps / count, total_seconds / count
        spread = sum((steps - mean_steps) ** 2 for steps, _ in points)
        per_step = (
            sum((steps - mean_steps) * (seconds - mean_seconds) for steps, seconds in points)
            / spread
        )
        fixed = mean_seconds - per_step * mean_steps
        if per_step > 0 and fixed >= 0:
            return fixed, per_step
    return 0.0, total_seconds / total_steps if total_steps else 0.0


def _range(eta: float, ratios: Sequence[float]) -> tuple[float, float]:
    """The range around ``eta``: the samples' own misfit, at least a spread shrinking with n."""
    floor = SINGLE_SAMPLE_SPREAD / len(ratios)
    low = min(*ratios, 1 - floor)
    high = max(*ratios, 1 + floor)
    return round(eta * low, 3), round(eta * high, 3)


def estimate(samples: Sequence[RunSample], total_steps: int | None) -> ExpectedRun | None:
    """The ETA of a run of ``total_steps`` from ``samples``; None without usable samples.

    Without a planned total the estimate is the runs' mean duration.
    """
    if not samples:
        return None
    if total_steps is None:
        durations = [sample.active_seconds for sample in samples]
        mean = sum(durations) / len(durations)
        if mean <= 0:
            return None
        low, high = _range(mean, [duration / mean for duration in durations])
        return ExpectedRun(
            seconds=round(mean, 3), low_seconds=low, high_seconds=high, samples=len(samples)
        )
    points = [
        (sample.total_steps, sample.active_seconds)
        for sample in samples
        if sample.total_steps and sample.active_seconds > 0
    ]
    if not points:
        return None
    fixed, per_step = _line(points)
    eta = fixed + per_step * total_steps
    if eta <= 0:
        return None
    ratios = [seconds / (fixed + per_step * steps) for steps, seconds in points]
    low, high = _range(eta, ratios)
    return ExpectedRun(
        seconds=round(eta, 3), low_seconds=low, high_seconds=high, samples=len(points)
    )


def sample_of(
    operation_type: str, steps: int, active_seconds: float, finished_at: float
) -> RunSample:
    """The sample a run that completed after ``steps`` in ``active_seconds`` leaves behind."""
    return RunSample(
        operation_type=operation_type,
        total_steps=steps or None,
        active_seconds=round(active_seconds, 6),
        finished_at=finished_at,
    )


def expecting(progress: ProgressRecord, expected: ExpectedRun | None) -> ProgressRecord:
    """The progress of a run not yet started, with the ETA its history gives."""
    if expected is None:
        return progress
    return progress.model_copy(
        update={
            "expected": expected,
            "eta_seconds": expected.seconds,
            "eta_low_seconds": expected.low_seconds,
            "eta_high_seconds": expected.high_seconds,
            "eta_basis": "history",
        }
    )


def _mix(share: float, current: float | None, history: float) -> float:
    """``current`` and ``history`` weighed ``share : 1 - share``, geometrically.

    A geometric mean keeps one wild early figure (a first chunk that carried all the
    set-up cost says the run takes a minute) from swamping a good estimate.
    """
    if current is None:
        return round(history, 3)
    if current <= 0 or history <= 0:
        return round(share * current + (1 - share) * history, 3)
    return round(math.exp(share * math.log(current) + (1 - share) * math.log(history)), 3)


def blend(progress: ProgressRecord) -> ProgressRecord:
    """Weigh this run's ETA against its history's by how far the run has got.

    Early on the history says more (a first chunk may carry set-up cost, or be
    too short to measure); past half-way, the run's own rate does.
    """
    expected = progress.expected
    total = progress.total_steps
    if expected is None or not total:
        return progress
    share = min(1.0, progress.current_step / total)
    spent = progress.active_seconds
    left = max(0.0, expected.seconds - spent)
    low = max(0.0, expected.low_seconds - spent)
    high = max(0.0, expected.high_seconds - spent)
    eta = _mix(share, progress.eta_seconds, left)
    return progress.model_copy(
        update={
            "eta_seconds": eta,
            "eta_low_seconds": min(eta, _mix(share, progress.eta_low_seconds, low)),
            "eta_high_seconds": max(eta, _mix(share, progress.eta_high_seconds, high)),
            "eta_basis": "history" if progress.eta_seconds is None else "blend",
        }
    )
