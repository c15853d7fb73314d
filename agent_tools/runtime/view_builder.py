"""Turn stored records into the views callers receive, keeping responses small."""

from __future__ import annotations

import json
from typing import Any

from pydantic import JsonValue

from agent_tools.core.agent_ledger import AgentLedger
from agent_tools.core.next_step import next_step
from agent_tools.core.progress import percentage
from agent_tools.core.records import OperationRecord, ResultItem, open_questions
from agent_tools.core.result_caps import items_skipped, skipped_phrase
from agent_tools.core.views import AgentTaskView, OperationView, ProgressView, iso_time
from agent_tools.runtime.cursors import item_cursor, item_position
from agent_tools.stores.base import Store

PREVIEW_CHARS = 1000
NOTES_SHOWN = 20
"""How much of an item too large for a response is shown."""


def _size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), default=str))


def _oversized(output: JsonValue, size: int) -> JsonValue:
    text = json.dumps(output, default=str)
    return {"truncated": True, "size_bytes": size, "preview": text[:PREVIEW_CHARS]}


async def read_bounded_items(
    store: Store,
    record: OperationRecord,
    cursor: str | None,
    max_items: int,
    max_bytes: int,
) -> tuple[list[ResultItem], str | None, bool]:
    """Items after ``cursor``, at most ``max_items`` and about ``max_bytes`` of JSON.

    Returns the items, the cursor to pass next, and whether more items wait.
    An item larger than ``max_bytes`` on its own is replaced by a preview.
    """
    after = item_position(cursor)
    fetched = await store.read_items(record.operation_id, after, max_items)
    items: list[ResultItem] = []
    used = 0
    for fetched_item in fetched:
        item = fetched_item
        size = _size(item.output)
        if size > max_bytes:
            item = ResultItem(seq=item.seq, output=_oversized(item.output, size))
            size = _size(item.output)
        if items and used + size > max_bytes:
            break
        items.append(item)
        used += size
    last = items[-1].seq if items else after
    next_cursor = item_cursor(last) if items else cursor
    return items, next_cursor, record.item_count > last


def agent_task_view(record: OperationRecord) -> AgentTaskView:
    """The agent's saved state, done and remaining steps, from an agent-driven record."""
    ledger = AgentLedger.from_state(record.state)
    return AgentTaskView(
        saved_state=ledger.saved_state,
        steps_done=ledger.done,
        steps_remaining=ledger.remaining(record.input.get("steps")),
        notes=ledger.notes[-NOTES_SHOWN:],
    )


async def read_view(
    store: Store,
    record: OperationRecord,
    *,
    cursor: str | None,
    max_items: int,
    max_bytes: int,
    agent_driven: bool,
    held_elsewhere: bool,
) -> OperationView:
    """The one view every surface returns for an operation.

    It shows up to ``max_items`` items after ``cursor`` (0: none read), and says
    so when dropped items came after the cursor.
    """
    items: list[ResultItem] = []
    next_cursor, has_more, skipped = None, record.item_count > 0, 0
    if max_items > 0:
        items, next_cursor, has_more = await read_bounded_items(
            store, record, cursor, max_items, max_bytes
        )
        skipped = items_skipped(item_position(cursor), record.dropped_items)
    progress = record.progress
    ended = record.status.is_terminal
    agent_task = agent_task_view(record) if agent_driven else None
    summary_first = bool(items) and items[0].seq == record.dropped_items
    gap = skipped_phrase(skipped, record.settings.max_result_items, summary_first)
    return OperationView(
        operation_id=record.operation_id,
        operation_type=record.operation_type,
        status=record.status,
        mode=record.settings.mode,
        progress=ProgressView(
            current_step=progress.current_step,
            total_steps=progress.total_steps,
            percentage=percentage(progress.current_step, progress.total_steps),
            eta_seconds=None if ended else progress.eta_seconds,
            eta_low_seconds=None if ended else progress.eta_low_seconds,
            eta_high_seconds=None if ended else progress.eta_high_seconds,
            eta_basis=None if ended else progress.eta_basis,
            rate_per_second=progress.rate_per_second,
            steps_completed=progress.steps_completed,
            message=progress.message,
        ),
        items=items,
        items_total=record.item_count,
        dropped_items=record.dropped_items,
        skipped_items=skipped,
        next_cursor=next_cursor,
        has_more=has_more,
        result=record.result,
        error=record.error,
        agent_task=agent_task,
        input_requests=open_questions(record),
        held_elsewhere=held_elsewhere,
        next_step=gap
        + next_step(
            record,
            next_cursor=next_cursor,
            has_more=has_more,
            remaining_agent_steps=agent_task.steps_remaining if agent_task else None,
            agent_driven=agent_driven,
            held_elsewhere=held_elsewhere,
        ),
        created_at=iso_time(record.created_at),
        updated_at=iso_time(record.updated_at),
    )
