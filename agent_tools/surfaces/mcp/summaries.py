"""The short text an LLM reads next to a tool's structured result."""

from __future__ import annotations

from pydantic import BaseModel

from agent_tools.core.views import OperationList, OperationTypeList, OperationView


def summarize(result: BaseModel) -> str:
    """One or a few lines saying what a tool result means."""
    if isinstance(result, OperationView):
        return _operation(result)
    if isinstance(result, OperationList):
        return _operations(result)
    if isinstance(result, OperationTypeList):
        names = ", ".join(info.name for info in result.operation_types) or "none"
        return f"Registered operation types: {names}. Each one's input_schema is below."
    return type(result).__name__


def _operation(view: OperationView) -> str:
    progress = view.progress
    steps = (
        f"{progress.current_step}/{progress.total_steps}"
        if progress.total_steps
        else (f"{progress.current_step}")
    )
    parts = [f"{view.operation_type} {view.operation_id}: {view.status.value}, {steps} steps"]
    if progress.percentage is not None:
        parts[0] += f" ({progress.percentage:.0f}%)"
    if progress.eta_seconds is not None:
        parts.append(f"about {progress.eta_seconds:.0f} s left")
    if view.items:
        more = ", more waiting" if view.has_more else ""
        parts.append(f"{len(view.items)} new items of {view.items_total}{more}")
    if view.dropped_items:
        parts.append(f"the oldest {view.dropped_items} items no longer kept")
    if view.error is not None:
        parts.append(f"error {view.error.code}: {view.error.message}")
    return "; ".join(parts) + f".\nNext: {view.next_step}"


def _operations(page: OperationList) -> str:
    lines = [
        f"{summary.operation_id} {summary.operation_type} {summary.status.value} "
        f"{summary.current_step}/{summary.total_steps or '?'}"
        for summary in page.operations
    ]
    header = f"{len(page.operations)} operations"
    if page.has_more:
        header += f"; more with cursor={page.next_cursor!r}"
    return "\n".join([header + ":", *lines]) if lines else "No operations match."
