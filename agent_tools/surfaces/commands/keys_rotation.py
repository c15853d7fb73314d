"""``agent-tools keys rotate`` and ``keys status``: run them, print progress and the counts."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent_tools.runtime.store_access import RotationReport

PROGRESS_EVERY_S = 2.0
NO_KEYS = (
    "agent-tools: no encryption keys are configured; set AGENT_TOOLS_ENCRYPTION_KEYS "
    "(or AGENT_TOOLS_ENCRYPTION_KEYS_FILE) to every key, the new one last."
)


def run_rotation(args: argparse.Namespace) -> int:
    """Rotate (``rotate``) or count (``status``); 0 when done, 1 when values are left or
    do not open, 2 on a usage error."""
    from agent_tools.core.errors import AgentToolsError
    from agent_tools.runtime.store_access import run_key_rotation, without_password
    from agent_tools.surfaces.commands import settings_from

    settings = settings_from(args)
    keys = settings.encryption_key_text()
    if not keys:
        print(NO_KEYS, file=sys.stderr)
        return 2
    if args.batch < 1:
        print("agent-tools: --batch must be at least 1.", file=sys.stderr)
        return 2
    write = args.action == "rotate"
    progress = _Progress(write)
    print(f"agent-tools: {args.action} on {without_password(settings.store)}", file=sys.stderr)
    try:
        report = asyncio.run(
            run_key_rotation(
                settings.store, keys, write=write, batch=args.batch, on_operation=progress
            )
        )
    except AgentToolsError as error:
        print(f"agent-tools: {error}", file=sys.stderr)
        return 1
    progress.finish(report)
    print(_rotation_lines(report) if write else _status_lines(report))
    if write and sum(report.left.values()):
        print(
            "agent-tools: some values were rewritten under an older key again while this ran: "
            "is a server still running without the new key? Run rotate again once it has it.",
            file=sys.stderr,
        )
        return 1
    return 0


class _Progress:
    """Prints a line to stderr every few seconds while operations are walked."""

    def __init__(self, write: bool) -> None:
        self.write = write
        self.last = time.monotonic()

    def __call__(self, report: RotationReport) -> None:
        if time.monotonic() - self.last >= PROGRESS_EVERY_S:
            self.last = time.monotonic()
            self._line(report)

    def finish(self, report: RotationReport) -> None:
        self._line(report)

    def _line(self, report: RotationReport) -> None:
        done = (
            f"{sum(report.rewritten.values())} values re-encrypted"
            if self.write
            else f"{report.stale()} values under older keys"
        )
        print(f"agent-tools: {report.operations} operations, {done}", file=sys.stderr)


def _rotation_lines(report: RotationReport) -> str:
    fields = sorted({*report.rewritten, *report.current, *report.changed_meanwhile})
    lines = [f"newest key: {report.newest}", f"operations: {report.operations}"]
    for name in fields:
        lines.append(
            f"{name}: rewritten {report.rewritten[name]}, already current "
            f"{report.current[name]}, changed meanwhile {report.changed_meanwhile[name]}"
        )
    lines.append(
        f"total: rewritten {sum(report.rewritten.values())}, already current "
        f"{sum(report.current.values())}, changed meanwhile "
        f"{sum(report.changed_meanwhile.values())}, left {sum(report.left.values())}"
    )
    return "\n".join(lines)


def _status_lines(report: RotationReport) -> str:
    lines = [f"newest key: {report.newest}", f"operations: {report.operations}"]
    for key_id, fields in sorted(report.by_key.items()):
        detail = ", ".join(f"{name} {count}" for name, count in sorted(fields.items()))
        mark = " (newest)" if key_id == report.newest else ""
        lines.append(f"{key_id}{mark}: {sum(fields.values())} values ({detail})")
    older = report.stale()
    lines.append(
        "every value is under the newest key: older keys can be removed"
        if not older
        else f"{older} values are under older keys: run `agent-tools keys rotate`"
    )
    return "\n".join(lines)
