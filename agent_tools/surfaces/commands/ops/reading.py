"""``ops list``, ``ops show`` and ``ops events``: tables and panels of what the store holds."""

from __future__ import annotations

import argparse

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from agent_tools.core.inspection import OperationDetail
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.commands.ops import formatting

STEPS_SHOWN = 5


async def list_operations(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    """A table of operations, newest first (or the page as JSON)."""
    page = await engine.list_operations(
        status=args.status, operation_type=args.operation_type, limit=args.limit
    )
    if args.json:
        console.print_json(page.model_dump_json())
        return 0
    table = Table(box=None, header_style="bold")
    table.add_column("OPERATION", overflow="fold", min_width=12)
    table.add_column("TYPE", no_wrap=True)
    table.add_column("STATUS", no_wrap=True)
    table.add_column("MODE")
    table.add_column("STEPS", justify="right")
    table.add_column("DONE", justify="right")
    table.add_column("ITEMS", justify="right")
    table.add_column("UPDATED", no_wrap=True)
    for operation in page.operations:
        table.add_row(
            operation.operation_id,
            operation.operation_type,
            formatting.styled_status(operation.status),
            operation.mode,
            formatting.steps(operation.current_step, operation.total_steps),
            formatting.percent(operation.percentage),
            str(operation.items_total),
            operation.updated_at,
        )
    if page.operations:
        console.print(table)
    else:
        console.print("No operations.")
    if page.has_more:
        console.print(f"More operations follow; raise --limit above {args.limit}.")
    return 0


async def show(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    """One operation: input, status, progress, ETA, rate, steps, error, lease, checkpoints."""
    detail = await engine.inspect(args.operation_id)
    if args.json:
        console.print_json(detail.model_dump_json())
        return 0
    console.print(detail_panel(detail))
    return 0


async def events(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    """The audit log, one JSON object per line, oldest first."""
    detail = await engine.inspect(args.operation_id)
    for event in detail.events:
        console.print(event.model_dump_json(), soft_wrap=True, markup=False)
    return 0


def detail_panel(detail: OperationDetail) -> Panel:
    """The ``ops show`` panel of one operation."""
    view = detail.view
    progress = view.progress
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    facts.add_row("type", f"{view.operation_type} v{detail.type_version} ({view.mode})")
    facts.add_row("status", formatting.styled_status(view.status))
    facts.add_row(
        "progress",
        f"{formatting.steps(progress.current_step, progress.total_steps)} "
        f"({formatting.percent(progress.percentage)})",
    )
    facts.add_row("rate", formatting.rate(progress.rate_per_second))
    facts.add_row("eta", formatting.eta(progress))
    facts.add_row("priority", str(detail.priority))
    facts.add_row("active", formatting.duration(detail.active_seconds))
    facts.add_row("items", str(view.items_total))
    if view.dropped_items:
        facts.add_row("dropped", f"the oldest {view.dropped_items} (the log is capped)")
    facts.add_row("input", _escaped(detail.input_summary))
    if progress.message:
        facts.add_row("message", _escaped(progress.message))
    if progress.steps_completed:
        facts.add_row("latest steps", _escaped(", ".join(progress.steps_completed[-STEPS_SHOWN:])))
    if view.error is not None:
        facts.add_row("error", f"[red]{view.error.code}[/]: {_escaped(view.error.message)}")
        facts.add_row("hint", _escaped(view.error.hint))
    facts.add_row("lease", _lease_text(detail))
    facts.add_row("created", view.created_at)
    facts.add_row("updated", view.updated_at)
    facts.add_row("next step", _escaped(view.next_step))
    parts: list[Table] = [facts]
    if detail.checkpoints:
        checkpoints = Table(title="latest checkpoints", box=None, header_style="bold")
        checkpoints.add_column("AT", no_wrap=True)
        checkpoints.add_column("KIND")
        checkpoints.add_column("CHUNKS", justify="right")
        for checkpoint in detail.checkpoints:
            chunks = (
                "?"
                if checkpoint.first_chunk is None or checkpoint.next_chunk is None
                else f"{checkpoint.first_chunk}..{checkpoint.next_chunk - 1}"
            )
            checkpoints.add_row(checkpoint.at, checkpoint.kind, chunks)
        parts.append(checkpoints)
    return Panel(Group(*parts), title=view.operation_id, expand=False)


def _lease_text(detail: OperationDetail) -> str:
    lease = detail.lease
    if lease is None:
        return "none"
    if lease.expires_in_s is None:
        return f"{_escaped(lease.holder)} (token {lease.token})"
    state = "expires in" if lease.expires_in_s >= 0 else "lapsed"
    return (
        f"{_escaped(lease.holder)} (token {lease.token}, {state} "
        f"{formatting.duration(abs(lease.expires_in_s))})"
    )


def _escaped(text: str) -> str:
    from rich.markup import escape

    return escape(text)
