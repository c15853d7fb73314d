"""``agent-tools ops``: look at and steer operations from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

HELP = "List, show, pause or cancel operations in a store."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", help="store URL (default: AGENT_TOOLS_STORE or the data dir)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="operations, newest first")
    listing.add_argument("--status", help="only this status")
    listing.add_argument("--type", dest="operation_type", help="only this operation type")
    listing.add_argument("--limit", type=int, default=50)
    for name, text in (
        ("show", "status, progress and the latest items of one operation"),
        ("events", "the audit events of one operation"),
        ("pause", "pause one operation at its next chunk boundary"),
        ("cancel", "cancel one operation for good"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("operation_id")


def run(args: argparse.Namespace) -> int:
    from agent_tools.core.errors import AgentToolsError

    try:
        print(asyncio.run(_act(args)))
    except AgentToolsError as error:
        print(f"agent-tools: {error}", file=sys.stderr)
        return 2
    return 0


async def _act(args: argparse.Namespace) -> str:
    from agent_tools.core.registry import OperationRegistry
    from agent_tools.runtime.engine import Engine
    from agent_tools.runtime.loading import load_operations
    from agent_tools.surfaces.commands import settings_from

    settings = settings_from(args)
    registry = load_operations(settings.ops, OperationRegistry())
    async with Engine.from_settings(settings, registry=registry) as engine:
        if args.action == "list":
            page = await engine.list_operations(
                status=args.status, operation_type=args.operation_type, limit=args.limit
            )
            if args.json:
                return page.model_dump_json(indent=2)
            rows = [f"{'OPERATION':40} {'TYPE':20} {'STATUS':10} {'DONE':>7} UPDATED"]
            rows += [
                f"{op.operation_id:40} {op.operation_type:20} {op.status.value:10} "
                f"{_percent(op.percentage):>7} {op.updated_at}"
                for op in page.operations
            ]
            return "\n".join(rows)
        if args.action == "events":
            await engine.get_progress(args.operation_id)
            events = await engine.store.list_events(args.operation_id)
            return "\n".join(event.model_dump_json() for event in events)
        if args.action == "pause":
            view = await engine.pause(args.operation_id)
        elif args.action == "cancel":
            view = await engine.cancel(args.operation_id, reason="cancelled from the terminal")
        else:
            view = await engine.get_results(args.operation_id, limit=10)
        if args.json:
            return view.model_dump_json(indent=2)
        progress = view.progress
        return json.dumps(
            {
                "operation_id": view.operation_id,
                "type": view.operation_type,
                "status": view.status.value,
                "progress": f"{progress.current_step}/{progress.total_steps or '?'} "
                f"({_percent(progress.percentage)})",
                "eta_seconds": progress.eta_seconds,
                "items_total": view.items_total,
                "result": view.result,
                "error": view.error.model_dump() if view.error else None,
                "next_step": view.next_step,
            },
            indent=2,
        )


def _percent(value: float | None) -> str:
    return "?" if value is None else f"{value:.1f}%"
