"""``agent-tools ops``: look at and steer operations from a terminal.

Each action is one entry of :data:`ACTIONS` (its help, its own arguments, and the
coroutine that runs it against the engine); a new action is one more entry.
The options shared by every action work before or after the action's name.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from agent_tools.core.principals import Principal
    from agent_tools.runtime.engine import Engine

HELP = (
    "List, show, watch, pause, resume or cancel operations, read their results, "
    "purge ended ones or erase a principal."
)

Handler = Callable[["Engine", argparse.Namespace, "Console"], Awaitable[int]]


@dataclass(frozen=True)
class Action:
    """One ``ops`` action: its help line, its arguments, and its handler's dotted name."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: str
    """``module:function`` under this package, imported only when the action runs."""
    tool: str
    """The tool whose role the action needs (see ``core.principals.ACTION_ROLES``)."""


def _operation_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("operation_id")


def _list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--status", help="only operations with this status")
    parser.add_argument("--type", dest="operation_type", help="only this operation type")
    parser.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")


def _watch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "operation_id", nargs="?", help="the operation to watch (default: every running one)"
    )
    parser.add_argument(
        "--refresh-ms", type=int, default=500, help="how often the bars are refreshed (ms)"
    )


def _resume_arguments(parser: argparse.ArgumentParser) -> None:
    _operation_id(parser)
    parser.add_argument(
        "--budget-ms",
        type=int,
        help="how long to run an inline operation here, or follow a background one",
    )


def _cancel_arguments(parser: argparse.ArgumentParser) -> None:
    _operation_id(parser)
    parser.add_argument("--reason", default="cancelled from the terminal")


def _results_arguments(parser: argparse.ArgumentParser) -> None:
    _operation_id(parser)
    parser.add_argument("--jsonl", action="store_true", help="one JSON object per item")
    parser.add_argument(
        "--follow", action="store_true", help="keep printing new items until the operation ends"
    )
    parser.add_argument("--cursor", help="start after this cursor (from an earlier page)")
    parser.add_argument("--limit", type=int, help="stop after this many items")


def _purge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--older-than",
        metavar="DURATION",
        help="only operations that ended longer ago than this (30s, 15m, 12h, 7d, 2w)",
    )
    parser.add_argument(
        "--status",
        action="append",
        default=[],
        help="only ended operations with this status: completed, failed, cancelled "
        "(repeatable; default all three)",
    )


def _erase_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--owner", required=True, help="the principal whose data is erased")
    parser.add_argument(
        "--tokens-file",
        type=Path,
        help="also revoke its tokens here (default: AGENT_TOOLS_TOKENS_FILE or the data dir)",
    )


ACTIONS: dict[str, Action] = {
    "list": Action(
        "operations, newest first", _list_arguments, "reading:list_operations", "list_operations"
    ),
    "show": Action(
        "status, progress, ETA, lease and checkpoints of one operation",
        _operation_id,
        "reading:show",
        "get_progress",
    ),
    "watch": Action(
        "live progress bars until the operations end",
        _watch_arguments,
        "watching:watch",
        "get_progress",
    ),
    "results": Action(
        "the result log of one operation", _results_arguments, "results:results", "get_results"
    ),
    "events": Action(
        "the audit events of one operation", _operation_id, "reading:events", "get_progress"
    ),
    "pause": Action(
        "pause one operation at its next chunk boundary", _operation_id, "steering:pause", "pause"
    ),
    "resume": Action("resume a paused operation", _resume_arguments, "steering:resume", "resume"),
    "cancel": Action(
        "cancel one operation for good", _cancel_arguments, "steering:cancel", "cancel"
    ),
    "purge": Action(
        "delete ended operations now, with their results and events",
        _purge_arguments,
        "erasing:purge",
        "purge",
    ),
    "erase": Action(
        "erase a principal: cancel and delete all its operations, revoke its tokens",
        _erase_arguments,
        "erasing:erase",
        "erase",
    ),
}


def _shared_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    """Options every action takes; ``default`` is SUPPRESS on the actions so that an
    option given before the action name is not reset by the action's own parser."""
    parser.add_argument(
        "--store",
        default=default,
        help="store URL (default: AGENT_TOOLS_STORE or the data dir)",
    )
    parser.add_argument(
        "--ops",
        action="append",
        default=default,
        help="module or .py file with operation types (repeatable)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=default if default is argparse.SUPPRESS else False,
        help="print JSON instead of tables",
    )
    parser.add_argument(
        "--as",
        dest="as_principal",
        metavar="PRINCIPAL",
        default=default,
        help="act for this principal: only its own operations (default: the local admin)",
    )
    parser.add_argument(
        "--role",
        dest="as_role",
        choices=("reader", "operator", "admin"),
        default=default,
        help="the role of the --as principal (default: operator)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``ops`` options and one sub-parser per action."""
    _shared_options(parser, default=None)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, action in ACTIONS.items():
        sub = actions.add_parser(name, help=action.help, description=action.help)
        _shared_options(sub, default=argparse.SUPPRESS)
        action.add_arguments(sub)


def run(args: argparse.Namespace) -> int:
    """Run the chosen action; errors an operator can act on print their code and hint."""
    from agent_tools.surfaces.commands import run_reporting_errors

    return run_reporting_errors(_act(args))


async def _act(args: argparse.Namespace) -> int:
    import importlib

    from rich.console import Console

    from agent_tools.core.audit import MAX_DETAIL_TEXT
    from agent_tools.core.principals import acting_as, authorize
    from agent_tools.runtime.audit_trail import changes_something
    from agent_tools.surfaces.commands.ops.engine import observer_engine

    action = ACTIONS[args.action]
    module_name, function_name = action.handler.split(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    handler: Handler = getattr(module, function_name)
    console = Console(soft_wrap=args.json, highlight=False)
    with acting_as(_principal(args)) as principal:
        async with (
            observer_engine(args) as engine,
            engine.audit_trail.access(
                principal.name,
                f"ops.{args.action}",
                operation_id=getattr(args, "operation_id", None),
                changes=changes_something(action.tool),
            ) as audited,
        ):
            if getattr(args, "owner", None):
                audited.detail["owner"] = str(args.owner)[:MAX_DETAIL_TEXT]
            authorize(principal, action.tool)
            return await handler(engine, args, console)


def _principal(args: argparse.Namespace) -> Principal:
    """Whom the command acts for: the local user (an admin) unless ``--as`` names another."""
    from agent_tools.core.principals import LOCAL_USER, Principal, Role

    if not args.as_principal:
        return LOCAL_USER
    return Principal(name=args.as_principal, role=Role(args.as_role or "operator"))
