"""Migration 6 on both SQL stores: events keyed by revision keep their order, new ones follow."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from agent_tools.stores.columns import INSERT_COLUMNS, to_row
from agent_tools.stores.sql.schema import migrations
from agent_tools.stores.sqlite import SqliteStore
from tests.contract.backends import emptied_afterwards
from tests.contract.records import new_record, status_change
from tests.services import POSTGRES_URL, require_module, require_service

EVENTS_TABLE_VERSION = 5
"""The last schema version with the events table keyed by a global serial id."""

OLD_EVENTS = [
    ("first", "created"),
    ("second", "created"),
    ("first", "running"),
    ("second", "running"),
    ("first", "paused"),
]
"""Events of two operations, interleaved as a busy store writes them."""


def _old_store_statements(placeholder: str) -> list[tuple[str, tuple[Any, ...]]]:
    """Records and events as a version-5 store holds them; ``placeholder`` is ? or $n."""
    statements: list[tuple[str, tuple[Any, ...]]] = []
    columns = [name.strip() for name in INSERT_COLUMNS.split(",")]
    for operation_id in ("first", "second"):
        record = new_record(operation_id, status=OperationStatus.PAUSED, revision=2)
        marks = ", ".join(placeholder.format(n) for n in range(1, len(columns) + 1))
        statements.append(
            (f"INSERT INTO operations ({', '.join(columns)}) VALUES ({marks})", to_row(record))
        )
    for at, (operation_id, kind) in enumerate(OLD_EVENTS, start=1):
        marks = ", ".join(placeholder.format(n) for n in range(1, 5))
        statements.append(
            (
                f"INSERT INTO events (operation_id, at, kind, detail) VALUES ({marks})",
                (operation_id, float(at), kind, "{}"),
            )
        )
    return statements


async def _sqlite_store(tmp_path: Path) -> Store:
    path = tmp_path / "v5.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute(f"INSERT INTO schema_version VALUES ({EVENTS_TABLE_VERSION})")
        for step in migrations(SqliteStore.dialect)[:EVENTS_TABLE_VERSION]:
            for statement in step:
                db.execute(statement)
        for statement, parameters in _old_store_statements("?{}"):
            db.execute(statement, parameters)
    return SqliteStore(f"sqlite:///{path}")


async def _postgres_store() -> Store:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    postgres = require_module("agent_tools.stores.postgres")
    import asyncpg

    schema = f"t{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(POSTGRES_URL)
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"')
        await connection.execute(f'SET search_path TO "{schema}"')
        await connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        await connection.execute(f"INSERT INTO schema_version VALUES ({EVENTS_TABLE_VERSION})")
        for step in migrations(postgres.PostgresStore.dialect)[:EVENTS_TABLE_VERSION]:
            for statement in step:
                await connection.execute(statement)
        for statement, parameters in _old_store_statements("${}"):
            await connection.execute(statement, *parameters)
    finally:
        await connection.close()
    store: Store = postgres.PostgresStore(POSTGRES_URL, schema=schema)
    return store


@pytest.fixture(params=["sqlite", "postgres"])
async def migrated(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A store of each SQL backend opened on version-5 data, so it migrates on open."""
    if request.param == "sqlite":
        store = await _sqlite_store(tmp_path)
    else:
        store = await _postgres_store()
    async with emptied_afterwards(store):
        yield store


async def test_each_operation_keeps_its_old_events_in_order(migrated: Store) -> None:
    first = await migrated.list_events("first")
    second = await migrated.list_events("second")
    assert [(event.kind, event.at) for event in first] == [
        ("created", 1.0),
        ("running", 3.0),
        ("paused", 5.0),
    ]
    assert [(event.kind, event.at) for event in second] == [("created", 2.0), ("running", 4.0)]


async def test_a_new_event_after_the_migration_comes_after_the_old_ones(migrated: Store) -> None:
    changed = await migrated.change_status(
        status_change("first", {OperationStatus.PAUSED}, OperationStatus.CANCELLED), 10.0
    )
    assert changed is not None and changed.revision == 3
    kinds = [event.kind for event in await migrated.list_events("first")]
    assert kinds == ["created", "running", "paused", "cancelled"]
    assert [event.kind for event in await migrated.list_events("second")] == [
        "created",
        "running",
    ]
