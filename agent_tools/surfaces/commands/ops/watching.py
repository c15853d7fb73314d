"""``ops watch``: live progress bars with rate and ETA until the watched operations end."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn

from agent_tools.core.status import OperationStatus
from agent_tools.core.views import OperationView
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.commands.ops import formatting

ACTIVE = (OperationStatus.PENDING, OperationStatus.RUNNING)
WATCH_LIMIT = 200
"""At most this many running operations are watched at once."""


async def watch(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    """Watch one operation, or every running one (joined by those that start meanwhile).

    Each round long-polls every active operation for at most ``--refresh-ms``, so a
    bar moves as soon as its operation commits; the command ends when none is active.
    """
    single = args.operation_id
    views = {view.operation_id: view for view in await _fetch(engine, _ids(single), 0)}
    if not single:
        views.update({view.operation_id: view for view in await _running(engine, views)})
    if not views:
        console.print("No running operations to watch.")
        return 0
    bars: dict[str, TaskID] = {}
    with _progress(console) as progress:
        while True:
            for view in views.values():
                _show(progress, bars, view)
            active = [key for key, view in views.items() if view.status in ACTIVE]
            fresh = await _fetch(engine, active, args.refresh_ms)
            views.update({view.operation_id: view for view in fresh})
            if not single:
                views.update({view.operation_id: view for view in await _running(engine, views)})
            if not any(view.status in ACTIVE for view in views.values()):
                for view in views.values():
                    _show(progress, bars, view)
                break
    for view in views.values():
        if view.status is OperationStatus.PAUSED:
            console.print(
                f"{view.operation_id} is paused; resume it with: agent-tools ops "
                f"resume {view.operation_id}",
                markup=False,
            )
    return 0


def _ids(single: str | None) -> list[str]:
    return [single] if single else []


async def _fetch(engine: Engine, ids: list[str], wait_ms: int) -> list[OperationView]:
    return list(await asyncio.gather(*(engine.get_progress(key, wait_ms=wait_ms) for key in ids)))


async def _running(engine: Engine, known: dict[str, OperationView]) -> list[OperationView]:
    """Active operations not watched yet."""
    found: list[str] = []
    for status in ACTIVE:
        page = await engine.list_operations(status=status.value, limit=WATCH_LIMIT)
        found += [o.operation_id for o in page.operations if o.operation_id not in known]
    return await _fetch(engine, found, 0)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[steps]}"),
        TextColumn("{task.fields[rate]}"),
        TextColumn("eta {task.fields[eta]}"),
        TextColumn("{task.fields[status]}"),
        console=console,
        refresh_per_second=8,
    )


def _show(progress: Progress, bars: dict[str, TaskID], view: OperationView) -> None:
    figures = view.progress
    fields: dict[str, Any] = {
        "steps": formatting.steps(figures.current_step, figures.total_steps),
        "rate": formatting.rate(figures.rate_per_second),
        "eta": formatting.duration(figures.eta_seconds),
        "status": formatting.styled_status(view.status),
    }
    total = figures.total_steps
    if view.status is OperationStatus.COMPLETED and total is None:
        total = figures.current_step
    if view.operation_id not in bars:
        description = view.operation_id
        bars[view.operation_id] = progress.add_task(description, total=total, **fields)
    progress.update(bars[view.operation_id], total=total, completed=figures.current_step, **fields)
