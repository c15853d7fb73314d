"""The embedded default store: one SQLite file, WAL, on aiosqlite.

``synchronous=NORMAL`` (the default) survives a crash of the process at any
instant, which is what an agent's server needs; ``?synchronous=FULL`` also
survives a power loss, at several times the cost per checkpoint.

Every store call is one plan run on aiosqlite's database thread, so a call
costs one thread hop instead of one per statement. That uses aiosqlite's
``_execute`` and ``_conn``, which are not public: pyproject pins the aiosqlite
range this was checked against. A checkpoint commit first tries the event-loop
thread (:mod:`.sqlite_loop_writer`) and skips the hop altogether.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

import aiosqlite

from agent_tools.core.errors import StoreError
from agent_tools.core.records import Checkpoint, CommitOutcome
from agent_tools.stores.sql import plans
from agent_tools.stores.sql.dialect import SQLITE
from agent_tools.stores.sql.plan import Plan
from agent_tools.stores.sql.store import SqlStore
from agent_tools.stores.sqlite_driver import run_plan
from agent_tools.stores.sqlite_loop_writer import LoopWriter
from agent_tools.stores.sqlite_schema import migrate

T = TypeVar("T")
logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
CHANGE_POLL_S = 0.05
"""How often a long-poll looks for commits made by other processes on the same file."""
SYNCHRONOUS_LEVELS = ("NORMAL", "FULL")
WAL_CHECKPOINT_EVERY_COMMITS = {"NORMAL": 200, "FULL": 50}
"""Loop-thread commits between passive WAL checkpoints, by ``synchronous`` (a checkpoint
commit writes about four pages; SQLite's own default is 1000 pages). At FULL every commit
syncs the WAL while a checkpoint syncs the file on the database thread: smaller, more
frequent checkpoints kept those syncs short. Measured here with benchmarks/engine_slices.py,
600 chunks at FULL: 210 µs a chunk checkpointing every 50 commits, 250 every 200, 300 every
400; at NORMAL, where nothing waits for the disk, 200 costs 2 µs a chunk less than 50."""


def _path_and_synchronous(url: str) -> tuple[Path, str]:
    parts = urlsplit(url)
    raw_path = parts.path[1:] if parts.path.startswith("/") else parts.path
    if parts.netloc or not raw_path:
        raise StoreError(
            f"Cannot read a SQLite path from {url!r}.",
            "Use sqlite:///relative/ops.db or sqlite:////absolute/ops.db.",
        )
    synchronous = parse_qs(parts.query).get("synchronous", ["NORMAL"])[0].upper()
    if synchronous not in SYNCHRONOUS_LEVELS:
        raise StoreError(
            f"synchronous={synchronous} is not supported.",
            "Use ?synchronous=NORMAL (crash safe, the default) or FULL (power-loss safe).",
        )
    return Path(raw_path).expanduser(), synchronous


class SqliteStore(SqlStore):
    """The store protocol on one SQLite file."""

    dialect = SQLITE

    def __init__(self, url: str) -> None:
        super().__init__(change_poll_s=CHANGE_POLL_S)
        self.url = url
        self.path, self.synchronous = _path_and_synchronous(url)
        self._connection: aiosqlite.Connection | None = None
        self._loop_writer: LoopWriter | None = None
        self._wal_checkpoint: asyncio.Task[None] | None = None
        self._holding_loop_commits = False
        """Set during the second pass of a WAL checkpoint: commits go to the database thread."""

    async def open(self) -> None:
        if self._connection is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(
            self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
        self._connection = connection
        await self._run(self._prepare)
        self._loop_writer = LoopWriter(self.path, self.synchronous)

    def _prepare(self, db: sqlite3.Connection) -> None:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"PRAGMA synchronous = {self.synchronous}")
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)

    async def close(self) -> None:
        if self._wal_checkpoint is not None:
            await self._wal_checkpoint
            self._wal_checkpoint = None
        if self._loop_writer is not None:
            self._loop_writer.close()
            self._loop_writer = None
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _run(self, function: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``function`` on the database thread: one hop for the whole call."""
        if self._connection is None:
            raise StoreError(
                "The SQLite store is not open.", "Call open() (or use the engine) first."
            )
        connection = self._connection
        result: T = await connection._execute(function, connection._conn)  # type: ignore[no-untyped-call]
        return result

    async def _execute(self, plan: Plan[T]) -> T:
        result, notified = await self._run(lambda db: run_plan(db, plan))
        self._wake(notified)
        return result

    def _wake(self, notified: list[str]) -> None:
        for operation_id in notified:
            self._waiters.wake(operation_id)

    async def commit_checkpoint(self, checkpoint: Checkpoint) -> CommitOutcome:
        writer = self._loop_writer
        if writer is not None and not self._holding_loop_commits:
            done = writer.try_run(plans.commit_checkpoint(checkpoint))
            if done is not None:
                self._wake(done[1])
                if writer.commits % WAL_CHECKPOINT_EVERY_COMMITS[self.synchronous] == 0:
                    self._start_wal_checkpoint()
                return done[0]
        return await super().commit_checkpoint(checkpoint)

    def _start_wal_checkpoint(self) -> None:
        """Copy the WAL back into the file on the database thread, unless one is under way."""
        if self._wal_checkpoint is None or self._wal_checkpoint.done():
            self._wal_checkpoint = asyncio.create_task(self._checkpoint_wal())

    async def _checkpoint_wal(self) -> None:
        """Copy the WAL back in two passes, so that the next commit can start it over.

        SQLite writes the WAL from its start again only once every frame is copied
        back. Loop-thread commits go on during the first, long pass on the database
        thread, and add frames it does not cover (without a second pass the WAL grew
        by every checkpoint: 283 MB after 20,000 chunks of one operation). The second
        pass copies just those on the loop thread, where no commit can add more
        meanwhile; sending it to the database thread instead held every commit
        behind it, and the loop sat idle for about 8 µs a chunk.
        """
        try:
            await self._run(_copy_wal_back)
            writer = self._loop_writer
            if writer is None or not writer.copy_wal_back():
                # Lock contention (another process): a second pass on the database thread,
                # with loop commits held so that they add no frames to it.
                self._holding_loop_commits = True
                await self._run(_copy_wal_back)
        except (sqlite3.Error, StoreError):
            # The next checkpoint (or SQLite's own at the next thread commit) catches up.
            logger.warning("A passive WAL checkpoint of %s failed", self.path, exc_info=True)
        finally:
            self._holding_loop_commits = False


def _copy_wal_back(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
