"""Each persisting store opened in a place of its own, with everything it holds read raw."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_tools.stores import open_store
from agent_tools.stores.base import Store
from tests.services import POSTGRES_URL, REDIS_URL, require_module, require_service


@dataclass
class RawStore:
    """A store, the URL another process opens it by, and its bytes as they lie there.

    ``live`` is what the store holds now, row by row; ``raw`` is the same except for
    SQLite, where it is the file and WAL as they lie on disk, stale copies of
    rewritten pages included (see SECURITY.md on free pages).
    """

    store: Store
    url: str
    raw: Callable[[], Awaitable[bytes]]
    live: Callable[[], Awaitable[bytes]]


def sqlite_bytes(database: Path) -> bytes:
    return b"".join(
        path.read_bytes()
        for path in (database, database.with_name(database.name + "-wal"))
        if path.exists()
    )


def sqlite_rows(database: Path) -> bytes:
    """Every row of every table, as text: what the file holds now, not its stale pages."""
    db = sqlite3.connect(database)
    try:
        return "\n".join(db.iterdump()).encode()
    finally:
        db.close()


async def _postgres_rows(store: Any) -> bytes:
    async with store._connection() as connection:
        tables = await connection.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
            store.schema,
        )
        rows = []
        for table in tables:
            name = f'"{store.schema}"."{table["table_name"]}"'
            rows += await connection.fetch(f"SELECT t::text AS row FROM {name} t")
    return "\n".join(row["row"] for row in rows).encode()


async def _redis_values(store: Any) -> bytes:
    client = store._redis()
    found: list[str] = []
    async for key in client.scan_iter(match=f"{store.prefix}:*", count=500):
        kind = await client.type(key)
        if kind == "hash":
            found += [f"{k}={v}" for k, v in (await client.hgetall(key)).items()]
        elif kind == "list":
            found += await client.lrange(key, 0, -1)
        elif kind == "zset":
            found += await client.zrange(key, 0, -1)
        elif kind == "string":
            found.append(await client.get(key))
        elif kind == "stream":
            found += [str(entry) for entry in await client.xrange(key)]
    assert found, "nothing was read from Redis"
    return "\n".join(str(value) for value in found).encode()


SERVERS: dict[str, tuple[str, int, str, str, str, str, Callable[[Any], Awaitable[bytes]]]] = {
    "postgres": (
        "PostgreSQL",
        5432,
        POSTGRES_URL,
        "schema",
        "agent_tools.stores.postgres",
        "PostgresStore",
        _postgres_rows,
    ),
    "redis": (
        "Redis",
        6379,
        REDIS_URL,
        "prefix",
        "agent_tools.stores.redis",
        "RedisStore",
        _redis_values,
    ),
}
"""Per server: its name and port, the test URL, the URL option giving a store its own place,
the store class, and how its bytes are read raw."""


@asynccontextmanager
async def raw_store(name: str, tmp_path: Path) -> AsyncIterator[RawStore]:
    """``sqlite``, ``postgres`` or ``redis``, empty, removed afterwards (not yet open)."""
    unique = f"t{uuid.uuid4().hex[:12]}"
    if name == "sqlite":
        database = tmp_path / "ops.db"
        url = f"sqlite:///{database}"
        store = open_store(url)

        async def raw() -> bytes:
            return sqlite_bytes(database)

        async def live() -> bytes:
            return sqlite_rows(database)

    else:
        service, port, base_url, option, module, class_name, read = SERVERS[name]
        require_service(service, "127.0.0.1", port)
        url = f"{base_url}?{option}={unique}"
        store = getattr(require_module(module), class_name)(url)

        async def raw() -> bytes:
            await store.open()
            return await read(store)

        live = raw

    try:
        yield RawStore(store, url, raw, live)
    finally:
        drop = getattr(store, "drop_everything", None)
        if drop is not None:
            await store.open()
            await drop()
        await store.close()
