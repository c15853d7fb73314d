"""The SQLite schema and its ordered migrations."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE operations (
            operation_id TEXT PRIMARY KEY,
            operation_type TEXT NOT NULL,
            type_version INTEGER NOT NULL,
            owner TEXT,
            input TEXT NOT NULL,
            settings TEXT NOT NULL,
            mode TEXT NOT NULL,
            state TEXT NOT NULL,
            status TEXT NOT NULL,
            progress TEXT NOT NULL,
            next_chunk_index INTEGER NOT NULL,
            item_count INTEGER NOT NULL,
            result TEXT NOT NULL,
            error TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            lease_holder TEXT,
            lease_expires_at REAL,
            lease_token INTEGER NOT NULL,
            priority INTEGER NOT NULL,
            expires_at REAL,
            revision INTEGER NOT NULL
        )""",
        "CREATE INDEX operations_newest ON operations (created_at DESC, operation_id DESC)",
        "CREATE INDEX operations_by_status ON operations (status, created_at DESC)",
        "CREATE INDEX operations_expiring ON operations (expires_at) WHERE expires_at IS NOT NULL",
        """CREATE TABLE items (
            operation_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            output TEXT NOT NULL,
            PRIMARY KEY (operation_id, seq)
        ) WITHOUT ROWID""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            operation_id TEXT NOT NULL,
            at REAL NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL
        )""",
        "CREATE INDEX events_by_operation ON events (operation_id, id)",
    ],
    ["ALTER TABLE operations ADD COLUMN input_round TEXT"],
]
"""Each entry moves the schema one version up; never edit one that has shipped."""


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema to the newest version in one immediate transaction; return it."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = connection.execute("SELECT version FROM schema_version").fetchone()
        current = 0 if row is None else int(row[0])
        if row is None:
            connection.execute("INSERT INTO schema_version VALUES (0)")
        for version, statements in enumerate(MIGRATIONS[current:], start=current + 1):
            for statement in statements:
                connection.execute(statement)
            connection.execute("UPDATE schema_version SET version = ?", (version,))
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)
