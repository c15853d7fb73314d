"""The SQLite spelling of the shared schema, and migrating a file to it."""

from __future__ import annotations

import sqlite3

from agent_tools.stores.sql import schema
from agent_tools.stores.sql.dialect import SQLITE
from agent_tools.stores.sqlite_driver import run_plan

MIGRATIONS = schema.migrations(SQLITE)
"""The shared migrations as SQLite runs them."""


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema to the newest version in one immediate transaction; return it."""
    version, _ = run_plan(connection, schema.migrate(MIGRATIONS))
    return version
