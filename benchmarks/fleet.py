"""Fleet figures: throughput with 1, 2 and 4 workers, and lease takeover after kill -9.

Run: .venv/bin/python benchmarks/fleet.py   (needs PostgreSQL, and Redis as the broker)
Chunks sleep 20 ms (I/O-bound work); each worker runs one slice at a time.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fleet.harness import (
    LEASE_TTL_S,
    REDIS_BROKER,
    dispatching_engine,
    empty_broker,
    running_workers,
    store_url,
    wait_all_completed,
)

OPERATIONS = 40
CHUNKS = 5
CHUNK_MS = 20


async def throughput(workers: int) -> float:
    """Operations completed per second by ``workers`` worker processes."""
    store = store_url("postgres")
    empty_broker(REDIS_BROKER)
    with tempfile.TemporaryDirectory() as folder:
        async with dispatching_engine(store, REDIS_BROKER) as engine:
            with running_workers(store, REDIS_BROKER, workers, Path(folder)):
                await asyncio.sleep(3)  # let every worker connect before timing
                started = time.perf_counter()
                ids = []
                for _ in range(OPERATIONS):
                    view = await engine.execute_incrementally(
                        "fleet_count",
                        {"total": CHUNKS, "chunk_ms": CHUNK_MS, "log_dir": folder},
                        mode="background",
                        budget_ms=0,
                    )
                    ids.append(view.operation_id)
                await wait_all_completed(engine, ids, timeout_s=300)
                return OPERATIONS / (time.perf_counter() - started)


async def takeover_s() -> float:
    """Seconds from killing the worker that holds an operation to the next commit by another."""
    store = store_url("postgres")
    empty_broker(REDIS_BROKER)
    with tempfile.TemporaryDirectory() as folder:
        async with dispatching_engine(store, REDIS_BROKER) as engine:
            with running_workers(store, REDIS_BROKER, 2, Path(folder)) as workers:
                view = await engine.execute_incrementally(
                    "fleet_count",
                    {"total": 10_000, "chunk_ms": 50, "log_dir": folder},
                    mode="background",
                    budget_ms=0,
                )
                while True:
                    record = await engine.store.get_operation(view.operation_id)
                    assert record is not None
                    if record.lease_holder and record.next_chunk_index > 2:
                        break
                    await asyncio.sleep(0.05)
                victim = int(record.lease_holder.split(":")[1])
                os.kill(victim, signal.SIGKILL)
                killed_at = time.monotonic()
                committed = record.next_chunk_index
                while True:
                    await engine.get_progress(view.operation_id, wait_ms=200)
                    fresh = await engine.store.get_operation(view.operation_id)
                    assert fresh is not None
                    if fresh.next_chunk_index > committed + 1 and fresh.lease_holder not in (
                        None,
                        record.lease_holder,
                    ):
                        took = time.monotonic() - killed_at
                        break
                await engine.cancel(view.operation_id)
                assert workers.kills == 0
                return took


async def main() -> None:
    random.seed(0)
    print(f"Fleet throughput ({OPERATIONS} operations x {CHUNKS} chunks of {CHUNK_MS} ms)")
    print(f"{'workers':>8} {'ops/s':>8} {'chunks/s':>9} {'vs 1 worker':>12}")
    base = None
    for workers in (1, 2, 4):
        rate = await throughput(workers)
        base = base or rate
        print(f"{workers:8d} {rate:8.2f} {rate * CHUNKS:9.1f} {rate / base:11.2f}x")
    took = await takeover_s()
    print(f"\nLease takeover after kill -9: {took:.2f} s with a lease TTL of {LEASE_TTL_S:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())
