"""The PostgreSQL schema and its ordered migrations."""

from __future__ import annotations

from typing import Any

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
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            lease_holder TEXT,
            lease_expires_at DOUBLE PRECISION,
            lease_token BIGINT NOT NULL,
            priority INTEGER NOT NULL,
            expires_at DOUBLE PRECISION,
            revision BIGINT NOT NULL
        )""",
        "CREATE INDEX operations_newest ON operations (created_at DESC, operation_id DESC)",
        "CREATE INDEX operations_by_status ON operations (status, created_at DESC)",
        "CREATE INDEX operations_expiring ON operations (expires_at) WHERE expires_at IS NOT NULL",
        """CREATE TABLE items (
            operation_id TEXT NOT NULL,
            seq BIGINT NOT NULL,
            output TEXT NOT NULL,
            PRIMARY KEY (operation_id, seq)
        )""",
        """CREATE TABLE events (
            id BIGSERIAL PRIMARY KEY,
            operation_id TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL
        )""",
        "CREATE INDEX events_by_operation ON events (operation_id, id)",
    ],
    ["ALTER TABLE operations ADD COLUMN input_round TEXT"],
]
"""Each entry moves the schema one version up; never edit one that has shipped."""

MIGRATION_LOCK = 0x61676E74
"""An advisory lock id, so two processes never migrate the same schema at once."""


def CHANNEL(schema: str) -> str:
    """The LISTEN/NOTIFY channel of one store schema."""
    return f"agent_tools_{schema}"


async def migrate(connection: Any, schema: str) -> int:
    """Create the schema if needed and apply the migrations it lacks; return the version."""
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await connection.execute(f'SET LOCAL search_path TO "{schema}"')
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        current = await connection.fetchval("SELECT version FROM schema_version")
        if current is None:
            await connection.execute("INSERT INTO schema_version VALUES (0)")
            current = 0
        for version, statements in enumerate(MIGRATIONS[current:], start=current + 1):
            for statement in statements:
                await connection.execute(statement)
            await connection.execute("UPDATE schema_version SET version = $1", version)
    return len(MIGRATIONS)
