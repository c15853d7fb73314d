"""The schema of both SQL stores and its ordered migrations, written once."""

from __future__ import annotations

from agent_tools.core.audit import GENESIS_HASH
from agent_tools.stores.sql.dialect import Dialect
from agent_tools.stores.sql.plan import Query, Steps, plan

_MIGRATIONS: list[list[str]] = [
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
            created_at {real} NOT NULL,
            updated_at {real} NOT NULL,
            lease_holder TEXT,
            lease_expires_at {real},
            lease_token {bigint} NOT NULL,
            priority INTEGER NOT NULL,
            expires_at {real},
            revision {bigint} NOT NULL
        )""",
        "CREATE INDEX operations_newest ON operations (created_at DESC, operation_id DESC)",
        "CREATE INDEX operations_by_status ON operations (status, created_at DESC)",
        "CREATE INDEX operations_expiring ON operations (expires_at) WHERE expires_at IS NOT NULL",
        """CREATE TABLE items (
            operation_id TEXT NOT NULL,
            seq {bigint} NOT NULL,
            output TEXT NOT NULL,
            PRIMARY KEY (operation_id, seq)
        ){without_rowid}""",
        """CREATE TABLE events (
            id {serial_key},
            operation_id TEXT NOT NULL,
            at {real} NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL
        )""",
        "CREATE INDEX events_by_operation ON events (operation_id, id)",
    ],
    ["ALTER TABLE operations ADD COLUMN input_round TEXT"],
    [
        """CREATE TABLE run_history (
            id {serial_key},
            operation_type TEXT NOT NULL,
            total_steps {bigint},
            active_seconds {real} NOT NULL,
            finished_at {real} NOT NULL
        )""",
        "CREATE INDEX run_history_by_type ON run_history (operation_type, id)",
    ],
    [
        """CREATE TABLE audit_log (
            seq {bigint} PRIMARY KEY,
            at {real} NOT NULL,
            principal TEXT NOT NULL,
            action TEXT NOT NULL,
            outcome TEXT NOT NULL,
            operation_id TEXT,
            detail TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""",
        "CREATE INDEX audit_by_operation ON audit_log (operation_id, seq)",
        # One row: the chain's head (appends lock it) and the checkpoint of the last purge.
        """CREATE TABLE audit_head (
            id INTEGER PRIMARY KEY,
            seq {bigint} NOT NULL,
            hash TEXT NOT NULL,
            checkpoint_seq {bigint},
            checkpoint_hash TEXT,
            checkpoint_at {real},
            checkpoint_signature TEXT
        )""",
        f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{GENESIS_HASH}')",
    ],
    ["ALTER TABLE operations ADD COLUMN dropped_items {bigint} NOT NULL DEFAULT 0"],
    # Events keyed by (operation, 1 + the record's revision at the event): every event comes
    # with a revision bump, so the key is free, and a checkpoint writes one B-tree page for
    # its event instead of a table page and an index page. The k-th old event (from 1) gets
    # k, at most 1 + the revision it was written at: new events still sort after them.
    [
        """CREATE TABLE events_by_revision (
            operation_id TEXT NOT NULL,
            seq {bigint} NOT NULL,
            at {real} NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL,
            PRIMARY KEY (operation_id, seq)
        ){without_rowid}""",
        "INSERT INTO events_by_revision (operation_id, seq, at, kind, detail) "
        "SELECT operation_id, ROW_NUMBER() OVER (PARTITION BY operation_id ORDER BY id), "
        "at, kind, detail FROM events",
        "DROP TABLE events",
        "ALTER TABLE events_by_revision RENAME TO events",
    ],
]
"""Each entry moves the schema one version up; never edit one that has shipped.

``{real}``, ``{bigint}``, ``{serial_key}`` and ``{without_rowid}`` are the
dialect's spellings of the column types and table options."""


def migrations(dialect: Dialect) -> list[list[str]]:
    """The migrations in ``dialect``'s spelling."""
    spelling = {
        "real": dialect.real,
        "bigint": dialect.bigint,
        "serial_key": dialect.serial_key,
        "without_rowid": dialect.without_rowid,
    }
    return [[statement.format(**spelling) for statement in step] for step in _MIGRATIONS]


@plan("atomic")
def migrate(versions: list[list[str]]) -> Steps[int]:
    """Apply the migrations the schema lacks and record the new version; return it."""
    yield Query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = yield Query("SELECT version FROM schema_version", returns="row")
    if row is None:
        yield Query("INSERT INTO schema_version VALUES (0)")
    current = 0 if row is None else int(row[0])
    for version, statements in enumerate(versions[current:], start=current + 1):
        for statement in statements:
            yield Query(statement)
        yield Query("UPDATE schema_version SET version = $1", (version,))
    return len(versions)
