"""Rate and ETA estimation: an exponentially weighted moving average of the step rate."""

from __future__ import annotations

from agent_tools.core.definitions import ProgressUpdate
from agent_tools.core.records import STEP_LABELS_KEPT, ProgressRecord
from agent_tools.core.trusted import trusted

RATE_SMOOTHING = 0.3
"""Weight of the newest rate sample; the rest is the previous estimate."""


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
    update = update or ProgressUpdate()
    total = update.total_steps if update.total_steps is not None else progress.total_steps
    if total is None:
        total = total_steps_default
    if update.current_step is not None:
        current = update.current_step
    else:
        current = progress.current_step + (
            update.advance if update.advance is not None else default_steps
        )
    rate = smoothed_rate(progress.rate_per_second, current - progress.current_step, elapsed_s)
    labels = progress.steps_completed
    if update.label:
        labels = [*labels, update.label][-STEP_LABELS_KEPT:]
    return trusted(
        ProgressRecord,
        current_step=current,
        total_steps=total,
        rate_per_second=None if rate is None else round(rate, 6),
        eta_seconds=eta_seconds(current, total, rate),
        steps_completed=labels,
        message=update.message if update.message is not None else progress.message,
        active_seconds=round(progress.active_seconds + elapsed_s, 6),
    )


def time_left_s(timeout_ms: int | None, progress: ProgressRecord) -> float | None:
    """Active run time the operation has left under ``timeout_ms``; None without a limit."""
    if timeout_ms is None:
        return None
    return timeout_ms / 1000 - progress.active_seconds
