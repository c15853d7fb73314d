"""The PostgreSQL spelling of the shared schema, and migrating a store schema to it."""

from __future__ import annotations

from typing import Any

from agent_tools.stores.postgres_driver import run_steps
from agent_tools.stores.sql import schema as shared
from agent_tools.stores.sql.dialect import POSTGRES

MIGRATIONS = shared.migrations(POSTGRES)
"""The shared migrations as PostgreSQL runs them."""

MIGRATION_LOCK = 0x61676E74
"""An advisory lock id, so two processes never migrate the same schema at once."""


async def migrate(connection: Any, schema: str) -> int:
    """Create the schema if needed and apply the migrations it lacks; return the version."""
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await connection.execute(f'SET LOCAL search_path TO "{schema}"')
        return await run_steps(connection, shared.migrate(MIGRATIONS).steps, schema)
