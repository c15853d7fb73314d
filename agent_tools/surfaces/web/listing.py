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


def row_of_view(view: OperationView) -> OperationRow:
    progress = view.progress
    return OperationRow(
        operation_id=view.operation_id,
        operation_type=view.operation_type,
        status=view.status,
        mode=view.mode,
        current_step=progress.current_step,
        total_steps=progress.total_steps,
        percentage=progress.percentage,
        rate_per_second=progress.rate_per_second,
        eta_seconds=progress.eta_seconds,
        message=progress.message,
        updated_at=view.updated_at,
    )


def row_of_summary(summary: OperationSummary) -> OperationRow:
    return OperationRow(
        operation_id=summary.operation_id,
        operation_type=summary.operation_type,
        status=summary.status,
        mode=summary.mode,
        current_step=summary.current_step,
        total_steps=summary.total_steps,
        percentage=summary.percentage,
        updated_at=summary.updated_at,
    )


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
