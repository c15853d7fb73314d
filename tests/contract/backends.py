"""Open each store under test in a fresh place of its own, and clean up after."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from agent_tools.stores import open_store, with_encryption
from agent_tools.stores.base import Store
from agent_tools.stores.encryption import new_key_line
from tests.services import POSTGRES_URL, REDIS_URL, require_module, require_service

BACKENDS = ("memory", "sqlite", "postgres", "redis", "encrypted")
"""``encrypted``: SQLite behind the encryption wrapper, which must keep every rule."""
CONTRACT_KEYS = new_key_line()


@contextlib.asynccontextmanager
async def opened_store(backend: str, tmp_path: Path) -> AsyncIterator[Store]:
    """An open, empty store of ``backend``, removed afterwards."""
    unique = f"t{uuid.uuid4().hex[:12]}"
    if backend == "memory":
        store = open_store("memory://")
    elif backend == "sqlite":
        store = open_store(f"sqlite:///{tmp_path / 'contract.db'}")
    elif backend == "encrypted":
        store = with_encryption(open_store(f"sqlite:///{tmp_path / 'contract.db'}"), CONTRACT_KEYS)
    elif backend == "postgres":
        require_service("PostgreSQL", "127.0.0.1", 5432)
        postgres = require_module("agent_tools.stores.postgres")
        store = postgres.PostgresStore(POSTGRES_URL, schema=unique)
    else:
        require_service("Redis", "127.0.0.1", 6379)
        redis = require_module("agent_tools.stores.redis")
        store = redis.RedisStore(REDIS_URL, prefix=unique)
    async with emptied_afterwards(store):
        yield store


@contextlib.asynccontextmanager
async def emptied_afterwards(store: Store) -> AsyncIterator[Store]:
    """``store`` opened, and emptied (when it can drop everything) and closed afterwards."""
    await store.open()
    try:
        yield store
    finally:
        drop = getattr(store, "drop_everything", None)
        if drop is not None:
            await drop()
        await store.close()


@contextlib.asynccontextmanager
async def second_instance(backend: str, store: Store) -> AsyncIterator[Store]:
    """Another store object on the same data (another process would open one like it)."""
    if backend == "memory":
        yield store
        return
    if backend == "sqlite":
        twin = open_store(store.url)
    elif backend == "encrypted":
        twin = with_encryption(open_store(store.url), CONTRACT_KEYS)
    elif backend == "postgres":
        from agent_tools.stores.postgres import PostgresStore

        assert isinstance(store, PostgresStore)
        twin = PostgresStore(store.url, schema=store.schema)
    else:
        from agent_tools.stores.redis import RedisStore

        assert isinstance(store, RedisStore)
        twin = RedisStore(store.url, prefix=store.prefix)
    await twin.open()
    try:
        yield twin
    finally:
        await twin.close()
