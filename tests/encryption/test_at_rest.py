"""Encryption at rest: the raw bytes of every store hold no known plaintext.

The secret goes into an operation's input, state, a result item, its result, an
answer and an agent's notes; then the SQLite file and its WAL, PostgreSQL's tables
and Redis's keys are read raw and searched for it.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from agent_tools import Engine
from agent_tools.stores import open_store, with_encryption
from agent_tools.stores.base import Store
from agent_tools.stores.encryption import EncryptionKeyError, new_key_line
from tests.encryption.secret_ops import SECRET, registry
from tests.services import POSTGRES_URL, REDIS_URL, require_module, require_service

KEYS = new_key_line()


async def _fill(engine: Engine) -> None:
    """Put the secret in every payload field, through the engine as a client would."""
    asked = await engine.execute_incrementally("secretive", {"secret": SECRET}, budget_ms=5000)
    [key] = asked.input_requests
    done = await engine.provide_input(
        asked.operation_id,
        {key: {"action": "accept", "content": {"word": SECRET}}},
        budget_ms=5000,
    )
    assert done.status.value == "completed"
    results = await engine.get_results(asked.operation_id)
    assert results.items[0].output == {"item": SECRET, "answer": SECRET}  # readable in clear
    assert done.result == {"result": SECRET}
    ledger = await engine.execute_incrementally("agent_task", {"goal": SECRET})
    await engine.record_progress(
        ledger.operation_id, completed_steps=[SECRET], state={"s": SECRET}, notes=SECRET
    )


def _sqlite_bytes(database: Path) -> bytes:
    return b"".join(
        path.read_bytes()
        for path in (database, database.with_name(database.name + "-wal"))
        if path.exists()
    )


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


@asynccontextmanager
async def _backend(name: str, tmp_path: Path) -> AsyncIterator[tuple[Store, Callable[[], Any]]]:
    """A raw store and a coroutine function returning everything it holds, as bytes."""
    unique = f"t{uuid.uuid4().hex[:12]}"
    if name == "sqlite":
        database = tmp_path / "ops.db"
        store = open_store(f"sqlite:///{database}")

        async def raw() -> bytes:
            return _sqlite_bytes(database)

    elif name == "postgres":
        require_service("PostgreSQL", "127.0.0.1", 5432)
        store = require_module("agent_tools.stores.postgres").PostgresStore(
            POSTGRES_URL, schema=unique
        )

        async def raw() -> bytes:
            return await _postgres_rows(store)

    else:
        require_service("Redis", "127.0.0.1", 6379)
        store = require_module("agent_tools.stores.redis").RedisStore(REDIS_URL, prefix=unique)

        async def raw() -> bytes:
            return await _redis_values(store)

    try:
        yield store, raw
    finally:
        drop = getattr(store, "drop_everything", None)
        if drop is not None:
            await store.open()
            await drop()
            await store.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres", "redis"])
async def test_no_store_holds_the_plaintext(backend: str, tmp_path: Path) -> None:
    async with _backend(backend, tmp_path) as (store, raw):
        async with Engine(with_encryption(store, KEYS), registry=registry) as engine:
            await _fill(engine)
            held = await raw()
        assert b"Sesame" not in held
        assert b'"$enc"' in held or b"$enc" in held


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_without_keys_the_plaintext_is_there(backend: str, tmp_path: Path) -> None:
    """The control: the same search finds the secret when nothing is encrypted."""
    async with _backend(backend, tmp_path) as (store, raw), Engine(store, registry=registry) as e:
        await _fill(e)
        held = await raw()
    assert SECRET.encode() in held


async def test_a_wrong_or_missing_key_is_a_clear_error_never_garbage(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    async with Engine(with_encryption(open_store(url), KEYS), registry=registry) as engine:
        view = await engine.execute_incrementally("agent_task", {"goal": SECRET})
    wrong = KEYS.split(":")[0] + ":" + new_key_line().split(":", 1)[1]
    for keys in (wrong, new_key_line()):
        async with Engine(with_encryption(open_store(url), keys), registry=registry) as engine:
            with pytest.raises(EncryptionKeyError) as refused:
                await engine.resume(view.operation_id)
        assert refused.value.code == "encryption_key_error"
        assert "keys generate" in refused.value.hint


async def test_after_rotation_old_values_stay_readable_and_new_ones_use_the_new_key(
    tmp_path: Path,
) -> None:
    database = tmp_path / "ops.db"
    url = f"sqlite:///{database}"
    async with Engine(with_encryption(open_store(url), KEYS), registry=registry) as engine:
        old = await engine.execute_incrementally("agent_task", {"goal": "old"})
    newer = new_key_line()
    rotated = f"{KEYS},{newer}"
    async with Engine(with_encryption(open_store(url), rotated), registry=registry) as engine:
        kept = await engine.resume(old.operation_id)
        await engine.execute_incrementally("agent_task", {"goal": "new"})
    held = _sqlite_bytes(database)
    assert kept.operation_id == old.operation_id
    assert f"v1:{newer.split(':')[0]}:".encode() in held
    assert f"v1:{KEYS.split(':')[0]}:".encode() in held
