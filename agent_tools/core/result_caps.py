"""Capped result logs: the rules for dropping (or folding) the oldest items of a long run.

A run with ``max_result_items`` keeps at most that many of its newest items. The
older ones are dropped from the front of the log, durably, by a store call of its
own (:class:`ItemTrim`) made after a commit, never inside the per-chunk commit. With
a ``compact_results`` function they are folded into one summary item instead; it
takes the seq of the last item it replaces, so it sits just before the oldest kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from pydantic import BaseModel, JsonValue

CompactResults: TypeAlias = Callable[[JsonValue, list[JsonValue]], JsonValue]
"""``compact(summary, dropped) -> summary``: fold the ``dropped`` outputs (oldest first)
into the summary so far (None the first time). Called on the event loop: keep it quick."""

SLACK_FRACTION = 10
"""While a run goes on, its log may hold a tenth more than the cap before a trim, so
a trim costs one store call per many checkpoints instead of one per checkpoint."""


class ItemTrim(BaseModel):
    """Drop the items numbered up to ``drop_through``, if nothing was dropped since.

    The store applies it only while the record's ``dropped_items`` still equals
    ``expected_dropped`` (a compare-and-set: two trimmers never both apply). With
    ``summary`` set, it is written as item ``drop_through`` in the same step.
    """

    operation_id: str
    expected_dropped: int
    drop_through: int
    summary: JsonValue = None


def slack(cap: int) -> int:
    """How far past the cap a running log may grow before it is trimmed."""
    return max(1, cap // SLACK_FRACTION)


def trim_due(kept: int, cap: int, *, at_rest: bool) -> bool:
    """Whether a log of ``kept`` items should be trimmed to ``cap`` now.

    At rest (a slice ended, the run ended or asked a question) any excess goes; while
    the run goes on only an excess past :func:`slack`.
    """
    return kept > cap if at_rest else kept > cap + slack(cap)


def items_skipped(after_seq: int, dropped_items: int) -> int:
    """How many items after a reader's position were dropped before the reader got them."""
    return max(0, dropped_items - after_seq)


def skipped_phrase(skipped: int, cap: int | None, summary_first: bool) -> str:
    """The sentence that tells a reader items after its cursor were dropped, or ''."""
    if skipped <= 0:
        return ""
    kept = f"only its newest {cap}" if cap is not None else "only its newest items"
    where = (
        "the first item here is their summary"
        if summary_first
        else "these start at the oldest kept"
    )
    return f"{skipped} result items after your cursor were dropped: the run keeps {kept}; {where}. "
