"""The rows of the operations list: a summary, plus rate and ETA for those still going."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from agent_tools.core.status import OperationStatus
from agent_tools.core.views import OperationSummary, OperationView
from agent_tools.runtime.engine import Engine

ACTIVE = frozenset({OperationStatus.PENDING, OperationStatus.RUNNING})
LIST_LIMIT = 50


class OperationRow(BaseModel):
    """One line of the list page, with what its progress bar shows."""

    operation_id: str
    operation_type: str
    status: OperationStatus
    mode: str
    current_step: int
    total_steps: int | None
    percentage: float | None
    rate_per_second: float | None = None
    eta_seconds: float | None = None
    message: str | None = None
    updated_at: str


class OperationRows(BaseModel):
    operations: list[OperationRow]
    has_more: bool
    next_cursor: str | None


ROW_FIELDS = set(OperationRow.model_fields)


def row_of_view(view: OperationView) -> OperationRow:
    """The row of an operation still going: its summary with the rate and ETA of its progress."""
    fields = view.model_dump(include=ROW_FIELDS) | view.progress.model_dump(include=ROW_FIELDS)
    return OperationRow.model_validate(fields)


def row_of_summary(summary: OperationSummary) -> OperationRow:
    """The row of an operation from its list summary alone."""
    return OperationRow.model_validate(summary.model_dump(include=ROW_FIELDS))


async def list_rows(
    engine: Engine,
    *,
    status: str | None = None,
    operation_type: str | None = None,
    cursor: str | None = None,
) -> tuple[OperationRows, list[OperationView]]:
    """A page of rows, newest first, and the views of its active operations."""
    page = await engine.list_operations(
        status=status or None,
        operation_type=operation_type or None,
        limit=LIST_LIMIT,
        cursor=cursor or None,
    )
    active = [summary.operation_id for summary in page.operations if summary.status in ACTIVE]
    views = await asyncio.gather(*(engine.get_progress(key) for key in active))
    by_id = {view.operation_id: view for view in views}
    rows = [
        row_of_view(by_id[summary.operation_id])
        if summary.operation_id in by_id
        else row_of_summary(summary)
        for summary in page.operations
    ]
    return OperationRows(
        operations=rows, has_more=page.has_more, next_cursor=page.next_cursor
    ), list(views)
