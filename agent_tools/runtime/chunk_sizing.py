"""Adaptive chunk sizing: tune ``chunk_size`` so that one chunk takes a target time.

A type declares its chunk resizable (``@operation(adaptive_chunk_size=True)``); the
runner then asks a :class:`ChunkSizer` for each chunk's size and tells it how long
the chunk took. The sizer keeps an estimate of the seconds one unit costs and
sizes the next chunk to fill the target. The estimate is carried in the progress
record, so a later slice (or another worker) starts from the tuned size.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_tools.core.records import ProgressRecord, RunSettings

UNIT_COST_SMOOTHING = 0.5
"""Weight of the newest per-unit cost sample while the cost stays in the same regime."""
REGIME_CHANGE_FACTOR = 2.0
"""A sample this many times off the estimate replaces it at once: the cost changed."""
MAX_GROWTH = 4.0
"""A chunk grows at most this many times over the previous one (one fast sample may be noise)."""
TARGET_SHARE_OF_BUDGET = 0.2
"""Without ``chunk_target_ms``, a chunk aims at this share of the budget."""


@dataclass
class ChunkSizer:
    """Chooses the size of each chunk of one run from the cost of the chunks before it."""

    size: int
    target_s: float
    max_size: int
    seconds_per_unit: float | None = None

    def observe(self, units: int, elapsed_s: float) -> None:
        """Fold in a chunk of ``units`` that took ``elapsed_s`` and choose the next size."""
        if units <= 0 or elapsed_s <= 0:
            return
        sample = elapsed_s / units
        estimate = self.seconds_per_unit
        if estimate is None or not (
            estimate / REGIME_CHANGE_FACTOR <= sample <= estimate * REGIME_CHANGE_FACTOR
        ):
            estimate = sample
        else:
            estimate = UNIT_COST_SMOOTHING * sample + (1 - UNIT_COST_SMOOTHING) * estimate
        self.seconds_per_unit = estimate
        wanted = self.target_s / estimate
        grown = self.size * MAX_GROWTH
        self.size = max(1, min(self.max_size, round(min(wanted, grown))))

    def carried(self, progress: ProgressRecord) -> ProgressRecord:
        """``progress`` with the tuned size and cost, so the next slice starts from them."""
        return progress.model_copy(
            update={
                "chunk_size": self.size,
                "seconds_per_unit": None
                if self.seconds_per_unit is None
                else round(self.seconds_per_unit, 9),
            }
        )


def chunk_target_s(settings: RunSettings, budget_s: float) -> float:
    """The time one chunk should take: the run's ``chunk_target_ms``, or a fifth of the budget."""
    if settings.chunk_target_ms is not None:
        return settings.chunk_target_ms / 1000
    return budget_s * TARGET_SHARE_OF_BUDGET


def sizer_for(
    settings: RunSettings, progress: ProgressRecord, budget_s: float
) -> ChunkSizer | None:
    """The sizer of a run whose type resizes its chunks, starting where the last slice left off."""
    if not settings.adaptive_chunk_size:
        return None
    return ChunkSizer(
        size=min(settings.max_chunk_size, progress.chunk_size or settings.chunk_size),
        target_s=chunk_target_s(settings, budget_s),
        max_size=settings.max_chunk_size,
        seconds_per_unit=progress.seconds_per_unit,
    )
