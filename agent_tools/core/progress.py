"""Rate and ETA estimation: an exponentially weighted moving average of the step rate."""

from __future__ import annotations

from agent_tools.core.definitions import ProgressUpdate
from agent_tools.core.eta_history import blend
from agent_tools.core.records import STEP_LABELS_KEPT, ProgressRecord
from agent_tools.core.trusted import trusted

RATE_SMOOTHING = 0.3
"""Weight of the newest rate sample; the rest is the previous estimate."""
_NO_UPDATE = ProgressUpdate()
"""What a chunk that reports no progress update counts as (built once, never changed)."""


def percentage(current_step: int, total_steps: int | None) -> float | None:
    """Percent done, or None when the total is unknown."""
    if not total_steps:
        return None
    return round(min(100.0, 100.0 * current_step / total_steps), 2)


def eta_seconds(
    current_step: int, total_steps: int | None, rate_per_second: float | None
) -> float | None:
    """Seconds of active work left at the current rate; None when it cannot be told."""
    if total_steps is None or not rate_per_second or rate_per_second <= 0:
        return None
    return round(max(0, total_steps - current_step) / rate_per_second, 3)


def eta_range(
    current_step: int, total_steps: int | None, rates: list[float]
) -> tuple[float | None, float | None]:
    """The ETA at the fastest and at the slowest of ``rates`` (low, high)."""
    usable = [rate for rate in rates if rate > 0]
    if not usable:
        return None, None
    return (
        eta_seconds(current_step, total_steps, max(usable)),
        eta_seconds(current_step, total_steps, min(usable)),
    )


def smoothed_rate(previous: float | None, steps: int, elapsed_s: float) -> float | None:
    """Fold one sample (``steps`` done in ``elapsed_s``) into the previous rate."""
    if elapsed_s <= 0 or steps <= 0:
        return previous
    sample = steps / elapsed_s
    if previous is None:
        return sample
    return RATE_SMOOTHING * sample + (1 - RATE_SMOOTHING) * previous


def advance(
    progress: ProgressRecord,
    update: ProgressUpdate | None,
    default_steps: int,
    elapsed_s: float,
    total_steps_default: int | None = None,
) -> ProgressRecord:
    """The progress after one chunk that took ``elapsed_s`` of active time.

    Without an update the chunk counts as ``default_steps`` steps.
    """
    update = update or _NO_UPDATE
    total = update.total_steps if update.total_steps is not None else progress.total_steps
    if total is None:
        total = total_steps_default
    if update.current_step is not None:
        current = update.current_step
    else:
        current = progress.current_step + (
            update.advance if update.advance is not None else default_steps
        )
    steps = current - progress.current_step
    rate = smoothed_rate(progress.rate_per_second, steps, elapsed_s)
    # How sure: between the ETA at the smoothed rate and at this chunk's own rate.
    latest = steps / elapsed_s if elapsed_s > 0 and steps > 0 else None
    low, high = eta_range(current, total, [r for r in (rate, latest) if r is not None])
    eta = eta_seconds(current, total, rate)
    labels = progress.steps_completed
    if update.label:
        labels = [*labels, update.label][-STEP_LABELS_KEPT:]
    return blend(
        trusted(
            ProgressRecord,
            current_step=current,
            total_steps=total,
            rate_per_second=None if rate is None else round(rate, 6),
            eta_seconds=eta,
            eta_low_seconds=low,
            eta_high_seconds=high,
            eta_basis=None if eta is None else "current_run",
            expected=progress.expected,
            steps_completed=labels,
            message=update.message if update.message is not None else progress.message,
            active_seconds=round(progress.active_seconds + elapsed_s, 6),
            chunk_size=progress.chunk_size,
            seconds_per_unit=progress.seconds_per_unit,
        )
    )


def time_left_s(timeout_ms: int | None, progress: ProgressRecord) -> float | None:
    """Active run time the operation has left under ``timeout_ms``; None without a limit."""
    if timeout_ms is None:
        return None
    return timeout_ms / 1000 - progress.active_seconds
