"""How operation records, events and transactions map onto SQLite rows."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from agent_tools.core.records import (
    ErrorInfo,
    Event,
    OperationRecord,
    ProgressRecord,
    RunSettings,
)
from agent_tools.core.status import OperationStatus

COLUMNS = (
    "operation_id, operation_type, type_version, owner, input, settings, state, status, "
    "progress, next_chunk_index, item_count, result, error, created_at, updated_at, "
    "lease_holder, lease_expires_at, lease_token, priority, expires_at, revision"
)


def dump(value: Any) -> str:
    """JSON text for a column, compact so rows stay small."""
    return json.dumps(value, separators=(",", ":"))


def to_record(row: sqlite3.Row | tuple[Any, ...]) -> OperationRecord:
    """The record held in a row selected as ``COLUMNS``."""
    return OperationRecord(
        operation_id=row[0],
        operation_type=row[1],
        type_version=row[2],
        owner=row[3],
        input=json.loads(row[4]),
        settings=RunSettings.model_validate_json(row[5]),
        state=json.loads(row[6]),
        status=OperationStatus(row[7]),
        progress=ProgressRecord.model_validate_json(row[8]),
        next_chunk_index=row[9],
        item_count=row[10],
        result=json.loads(row[11]),
        error=None if row[12] is None else ErrorInfo.model_validate_json(row[12]),
        created_at=row[13],
        updated_at=row[14],
        lease_holder=row[15],
        lease_expires_at=row[16],
        lease_token=row[17],
        priority=row[18],
        expires_at=row[19],
        revision=row[20],
    )


def insert_event(db: sqlite3.Connection, operation_id: str, event: Event) -> None:
    """Append ``event`` to the audit log inside the caller's transaction."""
    db.execute(
        "INSERT INTO events (operation_id, at, kind, detail) VALUES (?, ?, ?, ?)",
        (operation_id, event.at, event.kind, dump(event.detail)),
    )


@contextlib.contextmanager
def immediate(db: sqlite3.Connection) -> Iterator[None]:
    """A write transaction that takes the file's write lock up front."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def get_record(db: sqlite3.Connection, operation_id: str) -> OperationRecord | None:
    """The current record, or None."""
    row = db.execute(
        f"SELECT {COLUMNS} FROM operations WHERE operation_id = ?", (operation_id,)
    ).fetchone()
    return None if row is None else to_record(row)
