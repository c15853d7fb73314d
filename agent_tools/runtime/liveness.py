"""Holder ids that say which process holds a lease, and whether that process is provably dead.

A holder id is ``host:boot_id:pid:start_ticks:random``. On the same host and
boot, a process whose pid is gone, or whose pid now belongs to a process
started at another time (a reused pid), is dead: its lease can be taken over
at once instead of after its expiry. Anything else, a holder on another host,
an older holder id, or a system without ``/proc``, is never called dead, and
the lease's expiry stays the only rule.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

PROC = Path("/proc")
BOOT_ID_FILE = PROC / "sys" / "kernel" / "random" / "boot_id"
START_TIME_FIELD = 21
"""Index of ``starttime`` in /proc/<pid>/stat after the command name (field 22, 1-based)."""
HOLDER_PARTS = 5


def _boot_id() -> str | None:
    try:
        return BOOT_ID_FILE.read_text().strip()
    except OSError:
        return None


def _start_ticks(pid: int) -> str | None:
    """When ``pid`` started, in clock ticks since boot; None when no such process exists."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name, in parentheses, may itself hold spaces and parentheses.
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[START_TIME_FIELD - 2]


def holder_id_for(pid: int) -> str:
    """A holder id for the process ``pid`` (normally this one)."""
    boot_id = _boot_id() or "unknown"
    start = _start_ticks(pid) or "unknown"
    return f"{socket.gethostname()}:{boot_id}:{pid}:{start}:{uuid.uuid4().hex[:8]}"


def process_holder_id() -> str:
    """The holder id of this process."""
    return holder_id_for(os.getpid())


def provably_dead(holder: str) -> bool:
    """Whether ``holder`` names a process of this host and boot that no longer runs."""
    parts = holder.split(":")
    if len(parts) != HOLDER_PARTS:
        return False
    host, boot_id, pid, start, _ = parts
    if host != socket.gethostname() or boot_id != _boot_id() or not pid.isdigit():
        return False
    if start == "unknown":
        return False
    return _start_ticks(int(pid)) != start
