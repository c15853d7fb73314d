"""PostgreSQL store on asyncpg: shared by servers and workers on many machines.

Every write is one transaction; a checkpoint is applied only under the lease
token it was made with, so a worker whose lease was taken over cannot write.
Long-polls wait on LISTEN/NOTIFY (the NOTIFY is sent inside the writing
transaction, so it is delivered exactly when the change is visible).
"""

from __future__ import annotations

import json
import re
from typing import Any

import asyncpg

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
from agent_tools.stores.postgres_schema import CHANNEL, migrate
from agent_tools.stores.url_options import pop_query_option
from agent_tools.stores.waiters import ChangeWaiters

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
POOL_MAX_SIZE = 10


class PostgresStore:
    """The store protocol on PostgreSQL, in its own schema.

    The schema is ``agent_tools`` unless given, here or as ``?schema=NAME`` in the URL.
    """

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        url, schema_in_url = pop_query_option(url, "schema")
        schema = schema or schema_in_url or "agent_tools"
        if not SCHEMA_NAME.match(schema):
            raise StoreError(
                f"{schema!r} is not a usable schema name.",
                "Use lower-case letters, digits and underscores.",
            )
        self.url = url
        self.schema = schema
        self._pool: asyncpg.Pool | None = None
        self._listener: asyncpg.Connection | None = None
        self._waiters = ChangeWaiters()

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
        await self._listener.add_listener(CHANNEL(self.schema), self._on_notify)

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

    async def _notify(self, connection: asyncpg.Connection, operation_id: str) -> None:
        await connection.execute("SELECT pg_notify($1, $2)", CHANNEL(self.schema), operation_id)

    async def _event(self, connection: asyncpg.Connection, operation_id: str, event: Event) -> None:
        await connection.execute(
            "INSERT INTO events (operation_id, at, kind, detail) VALUES ($1, $2, $3, $4)",
            operation_id,
            event.at,
            event.kind,
            dump(event.detail),
        )

    # -- records --------------------------------------------------------------------------

    async def create_operation(self, record: OperationRecord) -> tuple[OperationRecord, bool]:
        async with self._connection() as connection, connection.transaction():
            row = to_row(record)
            placeholders = ", ".join(f"${number}" for number in range(1, len(row) + 1))
            inserted = await connection.fetchval(
                f"INSERT INTO operations ({INSERT_COLUMNS}) VALUES ({placeholders}) "
                "ON CONFLICT (operation_id) DO NOTHING RETURNING operation_id",
                *row,
            )
            if inserted is None:
                row = await connection.fetchrow(
                    f"SELECT {COLUMNS} FROM operations WHERE operation_id = $1",
                    record.operation_id,
                )
                return to_record(row), False
            await self._event(
                connection,
                record.operation_id,
                Event(kind="created", at=record.created_at, detail={"type": record.operation_type}),
            )
            await self._notify(connection, record.operation_id)
        return record, True

    async def get_operation(self, operation_id: str) -> OperationRecord | None:
        async with self._connection() as connection:
            row = await connection.fetchrow(
                f"SELECT {COLUMNS} FROM operations WHERE operation_id = $1", operation_id
            )
        return None if row is None else to_record(row)

    async def list_operations(self, query: OperationQuery) -> OperationPage:
        conditions: list[str] = []
        parameters: list[Any] = []
        for column, value in (
            ("status", None if query.status is None else query.status.value),
            ("operation_type", query.operation_type),
            ("owner", query.owner),
        ):
            if value is not None:
                parameters.append(value)
                conditions.append(f"{column} = ${len(parameters)}")
        if query.before is not None:
            parameters.extend(query.before)
            count = len(parameters)
            conditions.append(f"(created_at, operation_id) < (${count - 1}, ${count})")
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        parameters.append(query.limit + 1)
        async with self._connection() as connection:
            rows = await connection.fetch(
                f"SELECT {COLUMNS} FROM operations {where} "
                f"ORDER BY created_at DESC, operation_id DESC LIMIT ${len(parameters)}",
                *parameters,
            )
        return OperationPage(
            records=[to_record(row) for row in rows[: query.limit]],
            has_more=len(rows) > query.limit,
        )

    # -- leases ---------------------------------------------------------------------------

    async def acquire_lease(
        self,
        operation_id: str,
        holder: str,
        ttl_s: float,
        now: float,
        *,
        dead_holder: str | None = None,
    ) -> Lease | None:
        async with self._connection() as connection, connection.transaction():
            # SKIP LOCKED: a claimant racing another for the same row gives up at once
            # instead of queueing behind it; the loser sees no row and gets no lease.
            claimable = await connection.fetchval(
                "SELECT operation_id FROM operations WHERE operation_id = $1 "
                "AND status NOT IN ('completed', 'failed', 'cancelled') "
                "AND (lease_holder IS NULL OR lease_holder = $2 OR lease_holder = $4 "
                "OR lease_expires_at <= $3) FOR UPDATE SKIP LOCKED",
                operation_id,
                holder,
                now,
                dead_holder,
            )
            if claimable is None:
                return None
            token = await connection.fetchval(
                "UPDATE operations SET lease_holder = $2, lease_expires_at = $3, "
                "lease_token = lease_token + 1 WHERE operation_id = $1 RETURNING lease_token",
                operation_id,
                holder,
                now + ttl_s,
            )
        return Lease(operation_id=operation_id, holder=holder, token=token, expires_at=now + ttl_s)

    async def renew_lease(self, lease: Lease, ttl_s: float, now: float) -> OperationRecord | None:
        async with self._connection() as connection:
            row = await connection.fetchrow(
                "UPDATE operations SET lease_expires_at = $3 WHERE operation_id = $1 "
                f"AND lease_token = $2 AND lease_holder IS NOT NULL RETURNING {COLUMNS}",
                lease.operation_id,
                lease.token,
                now + ttl_s,
            )
        return None if row is None else to_record(row)

    async def release_lease(self, lease: Lease) -> None:
        async with self._connection() as connection:
            await connection.execute(
                "UPDATE operations SET lease_holder = NULL, lease_expires_at = NULL "
                "WHERE operation_id = $1 AND lease_token = $2",
                lease.operation_id,
                lease.token,
            )

    # -- writes ---------------------------------------------------------------------------

    async def commit_checkpoint(self, checkpoint: Checkpoint) -> CommitOutcome:
        # One statement, so one round trip: PostgreSQL runs its data-modifying parts
        # atomically, and the items, event and NOTIFY happen only if the fenced
        # UPDATE matched.
        lease_clause = (
            ", lease_holder = NULL, lease_expires_at = NULL" if checkpoint.release_lease else ""
        )
        async with self._connection() as connection:
            item_count = await connection.fetchval(
                "WITH updated AS (UPDATE operations SET status = $4, type_version = $5, "
                "input = $6, state = $7, progress = $8, next_chunk_index = $9, "
                "item_count = item_count + cardinality($15::text[]), result = $10, "
                "error = $11, updated_at = $12, expires_at = COALESCE($13, expires_at), "
                f"input_round = $18, revision = revision + 1{lease_clause} "
                "WHERE operation_id = $1 AND lease_token = $2 AND status = $3 "
                "RETURNING item_count), "
                "new_items AS (INSERT INTO items (operation_id, seq, output) "
                "SELECT $1, updated.item_count - cardinality($15::text[]) + position, output "
                "FROM updated, unnest($15::text[]) WITH ORDINALITY AS listed(output, position)), "
                "new_event AS (INSERT INTO events (operation_id, at, kind, detail) "
                "SELECT $1, $12, $14, $16 FROM updated) "
                "SELECT item_count FROM updated, pg_notify($17, $1)",
                checkpoint.operation_id,
                checkpoint.lease_token,
                checkpoint.expected_status.value,
                checkpoint.status.value,
                checkpoint.type_version,
                dump(checkpoint.input),
                dump(checkpoint.state),
                checkpoint.progress.model_dump_json(),
                checkpoint.next_chunk_index,
                dump(checkpoint.result),
                None if checkpoint.error is None else checkpoint.error.model_dump_json(),
                checkpoint.event.at,
                checkpoint.expires_at,
                checkpoint.event.kind,
                [dump(output) for output in checkpoint.items],
                dump(checkpoint.event.detail),
                CHANNEL(self.schema),
                dump_input_round(checkpoint.input_round),
            )
            if item_count is not None:
                return "committed"
            token = await connection.fetchval(
                "SELECT lease_token FROM operations WHERE operation_id = $1",
                checkpoint.operation_id,
            )
        return "status_changed" if token == checkpoint.lease_token else "lease_lost"

    async def change_status(self, change: StatusChange, now: float) -> OperationRecord | None:
        return await self._update_with_event(
            "UPDATE operations SET status = $2, error = COALESCE($3, error), "
            "result = COALESCE($4, result), expires_at = COALESCE($5, expires_at), "
            "updated_at = $6, revision = revision + 1 "
            f"WHERE operation_id = $1 AND status = ANY($7::text[]) RETURNING {COLUMNS}",
            (
                change.operation_id,
                change.status.value,
                None if change.error is None else change.error.model_dump_json(),
                None if change.result is None else dump(change.result),
                change.expires_at,
                now,
                [status.value for status in change.expected],
            ),
            change.event,
        )

    async def save_input_round(
        self, change: InputRoundChange, now: float
    ) -> OperationRecord | None:
        return await self._update_with_event(
            "UPDATE operations SET input_round = $2, status = $3, updated_at = $4, "
            "revision = revision + 1 WHERE operation_id = $1 AND revision = $5 "
            f"RETURNING {COLUMNS}",
            (
                change.operation_id,
                dump_input_round(change.input_round),
                change.status.value,
                now,
                change.expected_revision,
            ),
            change.event,
        )

    async def _update_with_event(
        self, sql: str, parameters: tuple[Any, ...], event: Event
    ) -> OperationRecord | None:
        """Run an ``UPDATE ... RETURNING`` of one record (``$1`` its id), add its event, notify.

        All in one transaction; returns the updated record, or None when nothing matched.
        """
        operation_id = parameters[0]
        async with self._connection() as connection, connection.transaction():
            row = await connection.fetchrow(sql, *parameters)
            if row is None:
                return None
            await self._event(connection, operation_id, event)
            await self._notify(connection, operation_id)
        return to_record(row)

    # -- reads ----------------------------------------------------------------------------

    async def read_items(self, operation_id: str, after_seq: int, limit: int) -> list[ResultItem]:
        async with self._connection() as connection:
            rows = await connection.fetch(
                "SELECT seq, output FROM items WHERE operation_id = $1 AND seq > $2 "
                "ORDER BY seq LIMIT $3",
                operation_id,
                after_seq,
                limit,
            )
        return [ResultItem(seq=row[0], output=json.loads(row[1])) for row in rows]

    async def list_events(self, operation_id: str) -> list[Event]:
        async with self._connection() as connection:
            rows = await connection.fetch(
                "SELECT kind, at, detail FROM events WHERE operation_id = $1 ORDER BY id",
                operation_id,
            )
        return [Event(kind=row[0], at=row[1], detail=json.loads(row[2])) for row in rows]

    async def list_recoverable(self, now: float, limit: int) -> list[OperationRecord]:
        async with self._connection() as connection:
            rows = await connection.fetch(
                f"SELECT {COLUMNS} FROM operations WHERE mode = 'background' "
                "AND status IN ('pending', 'running') "
                "AND (lease_expires_at IS NULL OR lease_expires_at <= $1) "
                "ORDER BY priority DESC, created_at LIMIT $2",
                now,
                limit,
            )
        return [to_record(row) for row in rows]

    async def wait_for_change(self, operation_id: str, revision: int, timeout_s: float) -> None:
        async def current_revision() -> int | None:
            async with self._connection() as connection:
                value: int | None = await connection.fetchval(
                    "SELECT revision FROM operations WHERE operation_id = $1", operation_id
                )
            return value

        await self._waiters.wait(operation_id, revision, timeout_s, current_revision)

    async def purge_expired(self, now: float) -> int:
        async with self._connection() as connection, connection.transaction():
            expired = [
                row[0]
                for row in await connection.fetch(
                    "DELETE FROM operations WHERE expires_at <= $1 RETURNING operation_id", now
                )
            ]
            if expired:
                await connection.execute(
                    "DELETE FROM items WHERE operation_id = ANY($1::text[])", expired
                )
                await connection.execute(
                    "DELETE FROM events WHERE operation_id = ANY($1::text[])", expired
                )
        return len(expired)
