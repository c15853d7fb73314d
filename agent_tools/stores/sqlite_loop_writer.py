"""Short commits on the event-loop thread: a second SQLite connection that never waits.

A checkpoint's transaction takes about 25 µs in ``sqlite3`` but a hop to
aiosqlite's thread and back costs several times that. At ``synchronous=NORMAL``
a commit does not wait for the disk, so it is cheap enough to run on the loop
itself. At ``FULL`` it waits for one sync of the WAL: the runner waits for that
anyway (its next chunk starts only once the checkpoint is durable) and the hop
would only add to it, but other tasks on the loop wait too, for one sync per
checkpoint. This connection never waits for a lock: its busy timeout is 0 (any
lock held elsewhere makes the caller fall back to the database thread, which
waits as usual) and SQLite never checkpoints the WAL on it by itself: the store
copies the WAL back on its thread and calls :meth:`LoopWriter.copy_wal_back`
only for the short second pass.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import TypeVar

from agent_tools.stores.sql.plan import Plan
from agent_tools.stores.sqlite_driver import run_plan

T = TypeVar("T")

_LOCK_ERRORS = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def _is_lock_error(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _LOCK_ERRORS


class LoopWriter:
    """Runs write plans at once on the thread that opened it, or declines."""

    def __init__(self, path: Path, synchronous: str) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout = 0")
        self._db.execute(f"PRAGMA synchronous = {synchronous}")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA wal_autocheckpoint = 0")
        self._thread = threading.get_ident()
        self.commits = 0
        """Plans committed here: the store checkpoints the WAL every so many."""

    def try_run(self, plan: Plan[T]) -> tuple[T, list[str]] | None:
        """The plan's result and notified ids, or None when it must run elsewhere.

        None means nothing was written: another connection held the lock, or
        the caller is not on the thread that owns this connection.
        """
        if threading.get_ident() != self._thread:
            return None
        try:
            done = run_plan(self._db, plan)
        except sqlite3.OperationalError as error:
            if _is_lock_error(error):
                return None
            raise
        self.commits += 1
        return done

    def copy_wal_back(self) -> bool:
        """Copy the frames still in the WAL into the file, here and now; whether all were.

        Meant for the few frames that commits added while a long pass ran elsewhere:
        it blocks the loop only as long as those take, and no commit can add more.
        """
        if threading.get_ident() != self._thread:
            return False
        try:
            busy, in_wal, copied = self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.OperationalError as error:
            if _is_lock_error(error):
                return False
            raise
        return not busy and in_wal == copied

    def close(self) -> None:
        """Close the connection (on the thread that opened it)."""
        self._db.close()
