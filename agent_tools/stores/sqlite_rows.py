"""How operation records, events and transactions map onto SQLite rows."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from agent_tools.core.records import Event, OperationRecord
from agent_tools.stores.columns import COLUMNS, dump, to_record


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
