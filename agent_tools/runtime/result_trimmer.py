"""Keep a capped run's result log at its ``max_result_items``, off the per-chunk path.

A runner counts the items it commits; once the log is past the cap (by a slack while
the run goes on, by anything once it rests) it trims with one store call of its own.
The trim is a compare-and-set on ``dropped_items``: a crash or a racing trimmer leaves
the log as it was, never short of a kept item.
"""

from __future__ import annotations

import logging

from pydantic import JsonValue

from agent_tools.core.definitions import OperationType
from agent_tools.core.records import OperationRecord
from agent_tools.core.result_caps import CompactResults, ItemTrim, trim_due
from agent_tools.stores.base import Store

logger = logging.getLogger(__name__)

FOLD_PAGE = 500
"""Dropped items handed to ``compact_results`` at a time, so a huge excess is read in pages."""
TRIM_ATTEMPTS = 3


class ResultTrimmer:
    """One run's trims: it knows about how long the log is, and trims it when due."""

    def __init__(self, store: Store, definition: OperationType, record: OperationRecord) -> None:
        cap = record.settings.max_result_items
        assert cap is not None, "only a capped run has a trimmer"
        self.cap = cap
        self._store = store
        self._compact = definition.compact_results
        self._operation_id = record.operation_id
        self._kept = record.item_count - record.dropped_items
        """Items the log holds past the dropped ones, as far as this runner knows."""

    @classmethod
    def for_run(
        cls, store: Store, definition: OperationType, record: OperationRecord
    ) -> ResultTrimmer | None:
        """A trimmer for a capped run; None (no cost at all) for one that keeps every item."""
        if record.settings.max_result_items is None:
            return None
        return cls(store, definition, record)

    def added(self, count: int) -> None:
        """Count items a chunk added (they reach the log with the next commit)."""
        self._kept += count

    async def after_commit(self, *, at_rest: bool) -> None:
        """Trim when the log is due; a failing trim is logged and tried again next time."""
        if not trim_due(self._kept, self.cap, at_rest=at_rest):
            return
        try:
            kept = await trim_to_cap(self._store, self._operation_id, self.cap, self._compact)
        except Exception:
            logger.exception("trimming the result log of %s failed; kept whole", self._operation_id)
            return
        if kept is not None:
            self._kept = kept


async def trim_to_cap(
    store: Store, operation_id: str, cap: int, compact: CompactResults | None
) -> int | None:
    """Drop (or fold) the items past the newest ``cap``; how many the log keeps, None if gone."""
    for _ in range(TRIM_ATTEMPTS):
        record = await store.get_operation(operation_id)
        if record is None:
            return None
        through = record.item_count - cap
        if through <= record.dropped_items:
            return record.item_count - record.dropped_items
        summary = None if compact is None else await _fold(store, compact, record, through)
        trim = ItemTrim(
            operation_id=operation_id,
            expected_dropped=record.dropped_items,
            drop_through=through,
            summary=summary,
        )
        if await store.trim_items(trim):
            return cap
    return None


async def _fold(
    store: Store, compact: CompactResults, record: OperationRecord, through: int
) -> JsonValue:
    """The summary of the items up to ``through``: the earlier summary folded with the rest."""
    dropped = record.dropped_items
    summary: JsonValue = None
    after = max(0, dropped - 1)
    while after < through:
        page = await store.read_items(record.operation_id, after, FOLD_PAGE)
        if not page:
            break
        after = page[-1].seq
        if dropped and page[0].seq == dropped:
            # The item numbered dropped_items is the summary an earlier trim left.
            summary, page = page[0].output, page[1:]
        summary = compact(summary, [item.output for item in page if item.seq <= through])
    return summary
