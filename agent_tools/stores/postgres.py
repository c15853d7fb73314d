"""PostgreSQL store on asyncpg: shared by servers and workers on many machines.

Every write is one transaction; a checkpoint is applied only under the lease
token it was made with, so a worker whose lease was taken over cannot write.
Long-polls wait on LISTEN/NOTIFY (the NOTIFY is sent inside the writing
transaction, so it is delivered exactly when the change is visible).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import asyncpg

from agent_tools.core.audit_transitions import checkpoint_audit
from agent_tools.core.errors import StoreError
from agent_tools.core.records import Checkpoint, CommitOutcome
from agent_tools.stores.columns import dump
from agent_tools.stores.postgres_driver import channel, run_plan, run_steps
from agent_tools.stores.postgres_schema import migrate
from agent_tools.stores.sql import plans
from agent_tools.stores.sql.dialect import POSTGRES
from agent_tools.stores.sql.plan import Plan
from agent_tools.stores.sql.store import SqlStore
from agent_tools.stores.url_options import NameOption

T = TypeVar("T")

SCHEMA = NameOption("schema", "agent_tools", re.compile(r"^[a-z_][a-z0-9_]{0,62}$"))
"""Every table of a store lives in its schema (tests use one schema each)."""
POOL_MAX_SIZE = 10

_COMMIT_IN_ONE_STATEMENT = {
    key: (
        f"WITH updated AS ({update}), "
        "new_items AS (INSERT INTO items (operation_id, seq, output) "
        "SELECT $1, updated.item_count - $10 + position, output "
        "FROM updated, unnest($16::text[]) WITH ORDINALITY AS listed(output, position)), "
        "new_event AS (INSERT INTO events (operation_id, seq, at, kind, detail) "
        "SELECT $1, updated.revision + 1, $14, $17, $18 FROM updated) "
        "SELECT item_count FROM updated, pg_notify($19, $1)"
    )
    for key, update in plans.CHECKPOINT_UPDATE.items()
}
"""The checkpoint plan's statements fused into one: PostgreSQL runs the
data-modifying parts atomically, and the items, event and NOTIFY happen only if
the fenced UPDATE matched. One round trip instead of six."""


class PostgresStore(SqlStore):
    """The store protocol on PostgreSQL, in its own schema.

    The schema is ``agent_tools`` unless given, here or as ``?schema=NAME`` in the URL.
    """

    dialect = POSTGRES

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        super().__init__()
        self.url, self.schema = SCHEMA.take(url, schema)
        self._pool: asyncpg.Pool | None = None
        self._listener: asyncpg.Connection | None = None

    # -- life cycle -----------------------------------------------------------------------

    async def open(self) -> None:
        if self._pool is not None:
            return
        try:
            self._pool = await asyncpg.create_pool(
                self.url,
                min_size=1,
                max_size=POOL_MAX_SIZE,
                server_settings={"search_path": self.schema},
            )
        except (OSError, asyncpg.PostgresError) as failure:
            raise StoreError(
                f"Cannot connect to PostgreSQL at {self.url}: {failure}",
                "Check that the server is running and the URL, user and database are right.",
            ) from failure
        async with self._pool.acquire() as connection:
            await migrate(connection, self.schema)
        self._listener = await asyncpg.connect(self.url)
        await self._listener.add_listener(channel(self.schema), self._on_notify)

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def drop_everything(self) -> None:
        """Drop this store's schema and all it holds (tests use one schema each)."""
        async with self._connection() as connection:
            await connection.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')

    def _connection(self) -> Any:
        if self._pool is None:
            raise StoreError("The PostgreSQL store is not open.", "Call open() first.")
        return self._pool.acquire()

    def _on_notify(self, connection: Any, pid: int, channel: str, operation_id: str) -> None:
        self._waiters.wake(operation_id)

    async def _execute(self, plan: Plan[T]) -> T:
        async with self._connection() as connection:
            return await run_plan(connection, plan, self.schema)

    async def commit_checkpoint(self, checkpoint: Checkpoint) -> CommitOutcome:
        if checkpoint_audit(checkpoint) is not None:
            # A commit that moves the status appends to the audit chain in its transaction.
            return await self._execute(plans.commit_checkpoint(checkpoint))
        async with self._connection() as connection:
            item_count = await connection.fetchval(
                _COMMIT_IN_ONE_STATEMENT[plans.checkpoint_update_key(checkpoint)],
                *plans.checkpoint_parameters(checkpoint),
                [dump(output) for output in checkpoint.items],
                checkpoint.event.kind,
                dump(checkpoint.event.detail),
                channel(self.schema),
            )
            if item_count is not None:
                return "committed"
            return await run_steps(connection, plans.refused_checkpoint(checkpoint), self.schema)
