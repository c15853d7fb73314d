"""``ops results``: page through an operation's result log, or follow it as it grows."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from agent_tools.core.records import ResultItem
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.engine import Engine

FOLLOW_WAIT_MS = 5000
"""How long one long-poll for new progress waits before reading the log again."""
ACTIVE = (OperationStatus.PENDING, OperationStatus.RUNNING)


async def results(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    """Print every item after ``--cursor``; with ``--follow``, wait for more while it runs."""
    cursor: str | None = args.cursor
    printed = 0
    while True:
        remaining = None if args.limit is None else args.limit - printed
        view = await engine.get_results(args.operation_id, cursor=cursor, limit=remaining)
        for item in view.items:
            console.print(_line(item, jsonl=args.jsonl), markup=False, soft_wrap=True)
        printed += len(view.items)
        cursor = view.next_cursor
        if args.limit is not None and printed >= args.limit:
            break
        if view.has_more:
            continue
        if not args.follow or view.status not in ACTIVE:
            break
        await engine.get_progress(args.operation_id, wait_ms=FOLLOW_WAIT_MS)
    if not args.jsonl:
        note = f"{printed} items; status {view.status.value}"
        if cursor and view.has_more:
            note += f"; continue with --cursor {cursor}"
        console.print(note, style="dim", markup=False)
    return 0


def _line(item: ResultItem, *, jsonl: bool) -> str:
    output = json.dumps(item.output, ensure_ascii=False, separators=(",", ":"))
    if jsonl:
        return json.dumps({"seq": item.seq, "output": item.output}, ensure_ascii=False)
    return f"{item.seq:>6}  {output}"
