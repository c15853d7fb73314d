"""Rate and ETA estimation."""

from __future__ import annotations

import random

from agent_tools.core.definitions import ProgressUpdate
from agent_tools.core.progress import advance, eta_seconds, percentage
from agent_tools.core.records import ProgressRecord


def test_the_eta_converges_to_the_true_remaining_time_under_noisy_chunks() -> None:
    rng = random.Random(7)
    progress = ProgressRecord(total_steps=1000)
    true_rate = 50.0
    for _ in range(150):
        steps = 5
        elapsed = steps / true_rate * rng.uniform(0.7, 1.3)
        progress = advance(progress, ProgressUpdate(advance=steps), 1, elapsed)
    remaining = (1000 - progress.current_step) / true_rate
    assert progress.eta_seconds is not None
    assert abs(progress.eta_seconds - remaining) / remaining < 0.25


def test_the_eta_follows_a_change_of_pace_within_a_few_chunks() -> None:
    progress = ProgressRecord(total_steps=10_000)
    for _ in range(20):
        progress = advance(progress, ProgressUpdate(advance=10), 1, 0.1)
    for _ in range(10):
        progress = advance(progress, ProgressUpdate(advance=10), 1, 1.0)
    assert progress.rate_per_second is not None
    assert progress.rate_per_second < 15


def test_the_eta_is_unknown_without_a_total_or_a_rate() -> None:
    assert eta_seconds(10, None, 5.0) is None
    assert eta_seconds(10, 100, None) is None
    progress = advance(ProgressRecord(), None, 1, 0.5)
    assert progress.eta_seconds is None
    assert progress.current_step == 1
    assert percentage(5, None) is None
    assert percentage(150, 100) == 100.0


def test_step_labels_keep_only_the_latest() -> None:
    progress = ProgressRecord()
    for step in range(30):
        progress = advance(progress, ProgressUpdate(label=f"step {step}"), 1, 0.01)
    assert progress.steps_completed[-1] == "step 29"
    assert len(progress.steps_completed) == 20
