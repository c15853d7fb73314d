"""Checkpoints per second on PostgreSQL and Redis, against each server's raw commit floor.

Run: .venv/bin/python benchmarks/store_backends.py   (needs 127.0.0.1:5432 and :6379)
The floor is one UPDATE of a ~200-byte state row plus one INSERT of a result row
in one transaction through the same driver (PostgreSQL), or the same two writes in
one MULTI/EXEC (Redis), measured in the same run.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import redis.asyncio as aioredis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent_tools.stores.postgres import PostgresStore
from agent_tools.stores.redis import RedisStore
from benchmarks.checkpoint_loop import checkpoints_per_second

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"
STATE = "x" * 200
STEPS = 2000


async def postgres_floor(steps: int) -> float:
    connection = await asyncpg.connect(POSTGRES)
    table = f"floor_{uuid.uuid4().hex[:8]}"
    try:
        await connection.execute(f"CREATE TABLE {table}_state (id INT PRIMARY KEY, body TEXT)")
        await connection.execute(f"CREATE TABLE {table}_items (seq INT PRIMARY KEY, body TEXT)")
        await connection.execute(f"INSERT INTO {table}_state VALUES (1, '')")
        started = time.perf_counter()
        for step in range(steps):
            async with connection.transaction():
                await connection.execute(
                    f"UPDATE {table}_state SET body = $1 WHERE id = 1", STATE + str(step)
                )
                await connection.execute(f"INSERT INTO {table}_items VALUES ($1, $2)", step, "{}")
        return steps / (time.perf_counter() - started)
    finally:
        await connection.execute(f"DROP TABLE IF EXISTS {table}_state, {table}_items")
        await connection.close()


async def redis_floor(steps: int) -> float:
    client = aioredis.from_url(REDIS)
    key = f"floor-{uuid.uuid4().hex[:8]}"
    try:
        started = time.perf_counter()
        for step in range(steps):
            async with client.pipeline(transaction=True) as pipe:
                pipe.hset(f"{key}:state", mapping={"body": STATE + str(step)})
                pipe.rpush(f"{key}:items", "{}")
                await pipe.execute()
        return steps / (time.perf_counter() - started)
    finally:
        await client.delete(f"{key}:state", f"{key}:items")
        await client.aclose()


ROUNDS = 3


def fresh_store(label: str) -> PostgresStore | RedisStore:
    unique = uuid.uuid4().hex[:8]
    if label == "PostgreSQL":
        return PostgresStore(POSTGRES, schema=f"bench_{unique}")
    return RedisStore(REDIS, prefix=f"bench-{unique}")


async def main() -> None:
    print("best of 3 interleaved rounds")
    print(f"{'store':44} {'commits/s':>10} {'µs/commit':>10} {'vs floor':>9}")
    for label, floor in (("PostgreSQL", postgres_floor), ("Redis", redis_floor)):
        raw = ours = 0.0
        for _ in range(ROUNDS):
            raw = max(raw, await floor(STEPS))
            ours = max(ours, await checkpoints_per_second(fresh_store(label), STEPS))
        print(f"{label + ' raw commit floor':44} {raw:10.0f} {1e6 / raw:10.1f} {1.0:8.2f}x")
        print(
            f"{label + ' store checkpoint':44} {ours:10.0f} {1e6 / ours:10.1f} {raw / ours:8.2f}x"
        )


if __name__ == "__main__":
    asyncio.run(main())
