"""``ops pause``, ``ops resume`` and ``ops cancel``: change what an operation does next."""

from __future__ import annotations

import argparse

from rich.console import Console

from agent_tools.core.views import OperationView
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.commands.ops import formatting


async def pause(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    """Pause at the next chunk boundary; the operation rests at its checkpoint."""
    return _report(await engine.pause(args.operation_id), args, console)


async def resume(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    """Resume: a background operation goes back to its serving process; an inline one
    runs here for ``--budget-ms`` (it is the caller's process that runs inline work)."""
    view = await engine.resume(args.operation_id, budget_ms=args.budget_ms)
    return _report(view, args, console)


async def cancel(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    """Cancel for good; committed results stay readable."""
    return _report(await engine.cancel(args.operation_id, reason=args.reason), args, console)


def _report(view: OperationView, args: argparse.Namespace, console: Console) -> int:
    if args.json:
        console.print_json(view.model_dump_json())
        return 0
    progress = view.progress
    console.print(
        f"{view.operation_id}: {formatting.styled_status(view.status)} at "
        f"{formatting.steps(progress.current_step, progress.total_steps)} "
        f"({formatting.percent(progress.percentage)})"
    )
    console.print(view.next_step, markup=False)
    return 0
