"""The embedded default store: one SQLite file, WAL, on aiosqlite.

``synchronous=NORMAL`` (the default) survives a crash of the process at any
instant, which is what an agent's server needs; ``?synchronous=FULL`` also
survives a power loss, at several times the cost per checkpoint.

Every store call is one plain function run on aiosqlite's database thread, so a
checkpoint (update, items, event, commit) costs one thread hop instead of one
per statement. That uses aiosqlite's ``_execute`` and ``_conn``, which are not
public: pyproject pins the aiosqlite range this was checked against.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import aiosqlite

from agent_tools.core.errors import StoreError
from agent_tools.core.records import (
    Checkpoint,
    CommitOutcome,
    Event,
    InputRoundChange,
    Lease,
    OperationPage,
    OperationQuery,
    OperationRecord,
    ResultItem,
    StatusChange,
)
from agent_tools.stores.columns import (
    COLUMNS,
    INSERT_COLUMNS,
    dump,
    dump_input_round,
    to_record,
    to_row,
)
from agent_tools.stores.sqlite_rows import get_record, immediate, insert_event
from agent_tools.stores.sqlite_schema import migrate
from agent_tools.stores.waiters import ChangeWaiters

T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
CHANGE_POLL_S = 0.05
"""How often a long-poll looks for commits made by other processes on the same file."""
SYNCHRONOUS_LEVELS = ("NORMAL", "FULL")


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


class SqliteStore:
    """The store protocol on one SQLite file."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path, self.synchronous = _path_and_synchronous(url)
        self._connection: aiosqlite.Connection | None = None
        self._waiters = ChangeWaiters(poll_s=CHANGE_POLL_S)

    async def open(self) -> None:
        if self._connection is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(
            self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
        self._connection = connection
        await self._run(self._prepare)

    def _prepare(self, db: sqlite3.Connection) -> None:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"PRAGMA synchronous = {self.synchronous}")
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)

    async def close(self) -> None:
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

    # -- records ------------------------------------------------------------------------

    async def create_operation(self, record: OperationRecord) -> tuple[OperationRecord, bool]:
        def create(db: sqlite3.Connection) -> tuple[OperationRecord, bool]:
            with immediate(db):
                existing = get_record(db, record.operation_id)
                if existing is not None:
                    return existing, False
                row = to_row(record)
                placeholders = ", ".join("?" for _ in row)
                db.execute(
                    f"INSERT INTO operations ({INSERT_COLUMNS}) VALUES ({placeholders})", row
                )
                insert_event(
                    db,
                    record.operation_id,
                    Event(
                        kind="created", at=record.created_at, detail={"type": record.operation_type}
                    ),
                )
                return record, True

        stored, created = await self._run(create)
        if created:
            self._waiters.wake(record.operation_id)
        return stored, created

    async def get_operation(self, operation_id: str) -> OperationRecord | None:
        return await self._run(lambda db: get_record(db, operation_id))

    async def list_operations(self, query: OperationQuery) -> OperationPage:
        conditions: list[str] = []
        parameters: list[Any] = []
        for column, value in (
            ("status", None if query.status is None else query.status.value),
            ("operation_type", query.operation_type),
            ("owner", query.owner),
        ):
            if value is not None:
                conditions.append(f"{column} = ?")
                parameters.append(value)
        if query.before is not None:
            conditions.append("(created_at, operation_id) < (?, ?)")
            parameters.extend(query.before)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        sql = (
            f"SELECT {COLUMNS} FROM operations {where} "
            "ORDER BY created_at DESC, operation_id DESC LIMIT ?"
        )

        def page(db: sqlite3.Connection) -> OperationPage:
            rows = db.execute(sql, (*parameters, query.limit + 1)).fetchall()
            return OperationPage(
                records=[to_record(row) for row in rows[: query.limit]],
                has_more=len(rows) > query.limit,
            )

        return await self._run(page)

    # -- leases -------------------------------------------------------------------------

    async def acquire_lease(
        self,
        operation_id: str,
        holder: str,
        ttl_s: float,
        now: float,
        *,
        dead_holder: str | None = None,
    ) -> Lease | None:
        def acquire(db: sqlite3.Connection) -> Lease | None:
            with immediate(db):
                row = db.execute(
                    "UPDATE operations SET lease_holder = ?, lease_expires_at = ?, "
                    "lease_token = lease_token + 1 WHERE operation_id = ? "
                    "AND status NOT IN ('completed', 'failed', 'cancelled') "
                    "AND (lease_holder IS NULL OR lease_holder = ? OR lease_holder = ? "
                    "OR lease_expires_at <= ?) RETURNING lease_token",
                    (holder, now + ttl_s, operation_id, holder, dead_holder, now),
                ).fetchone()
            if row is None:
                return None
            return Lease(
                operation_id=operation_id, holder=holder, token=row[0], expires_at=now + ttl_s
            )

        return await self._run(acquire)

    async def renew_lease(self, lease: Lease, ttl_s: float, now: float) -> OperationRecord | None:
        def renew(db: sqlite3.Connection) -> OperationRecord | None:
            with immediate(db):
                row = db.execute(
                    "UPDATE operations SET lease_expires_at = ? WHERE operation_id = ? "
                    f"AND lease_token = ? AND lease_holder IS NOT NULL RETURNING {COLUMNS}",
                    (now + ttl_s, lease.operation_id, lease.token),
                ).fetchone()
            return None if row is None else to_record(row)

        return await self._run(renew)

    async def release_lease(self, lease: Lease) -> None:
        def release(db: sqlite3.Connection) -> None:
            with immediate(db):
                db.execute(
                    "UPDATE operations SET lease_holder = NULL, lease_expires_at = NULL "
                    "WHERE operation_id = ? AND lease_token = ?",
                    (lease.operation_id, lease.token),
                )

        await self._run(release)

    # -- writes -------------------------------------------------------------------------

    async def commit_checkpoint(self, checkpoint: Checkpoint) -> CommitOutcome:
        lease_clause = (
            ", lease_holder = NULL, lease_expires_at = NULL" if checkpoint.release_lease else ""
        )
        update = (
            "UPDATE operations SET status = ?, type_version = ?, input = ?, state = ?, "
            "progress = ?, next_chunk_index = ?, item_count = item_count + ?, result = ?, "
            "error = ?, input_round = ?, updated_at = ?, expires_at = COALESCE(?, expires_at), "
            f"revision = revision + 1{lease_clause} "
            "WHERE operation_id = ? AND lease_token = ? AND status = ? "
            "RETURNING item_count"
        )
        parameters = (
            checkpoint.status.value,
            checkpoint.type_version,
            dump(checkpoint.input),
            dump(checkpoint.state),
            checkpoint.progress.model_dump_json(),
            checkpoint.next_chunk_index,
            len(checkpoint.items),
            dump(checkpoint.result),
            None if checkpoint.error is None else checkpoint.error.model_dump_json(),
            dump_input_round(checkpoint.input_round),
            checkpoint.event.at,
            checkpoint.expires_at,
            checkpoint.operation_id,
            checkpoint.lease_token,
            checkpoint.expected_status.value,
        )

        def commit(db: sqlite3.Connection) -> CommitOutcome:
            with immediate(db):
                row = db.execute(update, parameters).fetchone()
                if row is None:
                    current = db.execute(
                        "SELECT lease_token FROM operations WHERE operation_id = ?",
                        (checkpoint.operation_id,),
                    ).fetchone()
                    if current is None or current[0] != checkpoint.lease_token:
                        return "lease_lost"
                    return "status_changed"
                first_seq = row[0] - len(checkpoint.items) + 1
                db.executemany(
                    "INSERT INTO items (operation_id, seq, output) VALUES (?, ?, ?)",
                    [
                        (checkpoint.operation_id, first_seq + offset, dump(output))
                        for offset, output in enumerate(checkpoint.items)
                    ],
                )
                insert_event(db, checkpoint.operation_id, checkpoint.event)
            return "committed"

        outcome = await self._run(commit)
        if outcome == "committed":
            self._waiters.wake(checkpoint.operation_id)
        return outcome

    async def change_status(self, change: StatusChange, now: float) -> OperationRecord | None:
        expected = sorted(status.value for status in change.expected)
        placeholders = ", ".join("?" for _ in expected)
        sql = (
            "UPDATE operations SET status = ?, error = COALESCE(?, error), "
            "result = CASE WHEN ? IS NULL THEN result ELSE ? END, "
            "expires_at = COALESCE(?, expires_at), updated_at = ?, revision = revision + 1 "
            f"WHERE operation_id = ? AND status IN ({placeholders}) RETURNING {COLUMNS}"
        )
        result = None if change.result is None else dump(change.result)
        parameters = (
            change.status.value,
            None if change.error is None else change.error.model_dump_json(),
            result,
            result,
            change.expires_at,
            now,
            change.operation_id,
            *expected,
        )
        return await self._update_with_event(sql, parameters, change.operation_id, change.event)

    async def save_input_round(
        self, change: InputRoundChange, now: float
    ) -> OperationRecord | None:
        sql = (
            "UPDATE operations SET input_round = ?, status = ?, updated_at = ?, "
            "revision = revision + 1 WHERE operation_id = ? AND revision = ? "
            f"RETURNING {COLUMNS}"
        )
        parameters = (
            dump_input_round(change.input_round),
            change.status.value,
            now,
            change.operation_id,
            change.expected_revision,
        )
        return await self._update_with_event(sql, parameters, change.operation_id, change.event)

    async def _update_with_event(
        self, sql: str, parameters: tuple[Any, ...], operation_id: str, event: Event
    ) -> OperationRecord | None:
        """Run an ``UPDATE ... RETURNING`` of one record and add its event in one transaction.

        Returns the updated record, or None when the update matched nothing.
        """

        def apply(db: sqlite3.Connection) -> OperationRecord | None:
            with immediate(db):
                row = db.execute(sql, parameters).fetchone()
                if row is not None:
                    insert_event(db, operation_id, event)
            return None if row is None else to_record(row)

        updated = await self._run(apply)
        if updated is not None:
            self._waiters.wake(operation_id)
        return updated

    # -- reads --------------------------------------------------------------------------

    async def read_items(self, operation_id: str, after_seq: int, limit: int) -> list[ResultItem]:
        def read(db: sqlite3.Connection) -> list[ResultItem]:
            rows = db.execute(
                "SELECT seq, output FROM items WHERE operation_id = ? AND seq > ? "
                "ORDER BY seq LIMIT ?",
                (operation_id, after_seq, limit),
            ).fetchall()
            return [ResultItem(seq=seq, output=json.loads(output)) for seq, output in rows]

        return await self._run(read)

    async def list_events(self, operation_id: str) -> list[Event]:
        def read(db: sqlite3.Connection) -> list[Event]:
            rows = db.execute(
                "SELECT kind, at, detail FROM events WHERE operation_id = ? ORDER BY id",
                (operation_id,),
            ).fetchall()
            return [Event(kind=kind, at=at, detail=json.loads(detail)) for kind, at, detail in rows]

        return await self._run(read)

    async def list_recoverable(self, now: float, limit: int) -> list[OperationRecord]:
        def read(db: sqlite3.Connection) -> list[OperationRecord]:
            rows = db.execute(
                f"SELECT {COLUMNS} FROM operations WHERE mode = 'background' "
                "AND status IN ('pending', 'running') "
                "AND (lease_expires_at IS NULL OR lease_expires_at <= ?) "
                "ORDER BY priority DESC, created_at LIMIT ?",
                (now, limit),
            ).fetchall()
            return [to_record(row) for row in rows]

        return await self._run(read)

    async def wait_for_change(self, operation_id: str, revision: int, timeout_s: float) -> None:
        # Commits through this store wake the wait at once; commits by other processes
        # on the same file are seen by polling the revision every CHANGE_POLL_S.
        def current(db: sqlite3.Connection) -> int | None:
            row = db.execute(
                "SELECT revision FROM operations WHERE operation_id = ?", (operation_id,)
            ).fetchone()
            return None if row is None else int(row[0])

        await self._waiters.wait(operation_id, revision, timeout_s, lambda: self._run(current))

    async def purge_expired(self, now: float) -> int:
        def purge(db: sqlite3.Connection) -> int:
            with immediate(db):
                expired = [
                    row[0]
                    for row in db.execute(
                        "SELECT operation_id FROM operations WHERE expires_at <= ?", (now,)
                    ).fetchall()
                ]
                for table in ("items", "events", "operations"):
                    db.executemany(
                        f"DELETE FROM {table} WHERE operation_id = ?",
                        [(operation_id,) for operation_id in expired],
                    )
            return len(expired)

        return await self._run(purge)
