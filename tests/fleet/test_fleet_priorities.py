"""Priorities across a worker fleet: the broker hands the most urgent slices out first."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.fleet.harness import (
    RABBIT_BROKER,
    REDIS_BROKER,
    dispatching_engine,
    executions,
    running_workers,
    store_url,
    wait_all_completed,
)
from tests.services import require_service

PRIORITIES = [0, 9, 0, 4, 9, 0, 4, 9]
"""More operations than the one worker slot, queued lowest first."""


@contextlib.contextmanager
def own_queue(broker: str) -> Iterator[str]:
    """A queue only this test uses (other tests share the default one), removed afterwards."""
    queue = f"agent-tools.test-{uuid.uuid4().hex[:10]}"
    try:
        yield queue
    finally:
        if broker.startswith("redis://"):
            client = redis.Redis.from_url(broker)
            keys = list(client.scan_iter(match=f"{queue}*"))
            if keys:
                client.delete(*keys)
        else:
            from kombu import Connection

            with Connection(broker) as connection, contextlib.suppress(Exception):
                connection.default_channel.queue_delete(queue)


@pytest.mark.parametrize("broker", [REDIS_BROKER, RABBIT_BROKER], ids=["redis", "rabbitmq"])
async def test_one_worker_takes_the_queued_operations_highest_priority_first(
    broker: str, tmp_path: Path
) -> None:
    require_service(
        "RabbitMQ" if broker == RABBIT_BROKER else "Redis",
        "127.0.0.1",
        5672 if broker == RABBIT_BROKER else 6379,
    )
    store = store_url("redis")
    with own_queue(broker) as queue:
        async with dispatching_engine(store, broker, queue) as engine:
            priority_of: dict[str, int] = {}
            for priority in PRIORITIES:  # no worker runs yet: all of them wait in the queue
                view = await engine.execute_incrementally(
                    "fleet_count",
                    {"total": 1, "chunk_ms": 20, "log_dir": str(tmp_path)},
                    mode="background",
                    budget_ms=0,
                    priority=priority,
                )
                priority_of[view.operation_id] = priority
            with running_workers(store, broker, 1, tmp_path, queue):
                await wait_all_completed(engine, list(priority_of), timeout_s=60)
    ran = [priority_of[operation_id] for operation_id, _ in executions(tmp_path)]
    assert ran == sorted(PRIORITIES, reverse=True)
