"""Real workers, real brokers, random kill -9: every operation completes exactly once."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from agent_tools import Engine
from tests.fixtures.fleet_ops import expected_output
from tests.fleet.harness import (
    RABBIT_BROKER,
    REDIS_BROKER,
    dispatching_engine,
    empty_broker,
    executions,
    running_workers,
    start_server_standin,
    store_url,
    wait_all_completed,
)

CHUNKS = 6


async def start_operations(engine: Engine, count: int, log_dir: Path, chunk_ms: float) -> list[str]:
    operation_ids = []
    for _ in range(count):
        view = await engine.execute_incrementally(
            "fleet_count",
            {"total": CHUNKS, "chunk_ms": chunk_ms, "log_dir": str(log_dir)},
            mode="background",
            budget_ms=0,
        )
        operation_ids.append(view.operation_id)
    return operation_ids


async def assert_exact_results(engine: Engine, operation_ids: list[str]) -> None:
    """Items 1..CHUNKS with the exact values, and each chunk committed once."""
    for operation_id in operation_ids:
        page = await engine.get_results(operation_id, limit=100)
        assert [item.seq for item in page.items] == list(range(1, CHUNKS + 1))
        assert [item.output for item in page.items] == [
            expected_output(operation_id, n) for n in range(1, CHUNKS + 1)
        ]
        committed: list[int] = []
        for event in await engine.store.list_events(operation_id):
            if "first_chunk" in event.detail:
                first, following = event.detail["first_chunk"], event.detail["next_chunk"]
                assert isinstance(first, int) and isinstance(following, int)
                committed += range(first, following)
        assert sorted(committed) == list(range(CHUNKS)), f"{operation_id}: {committed}"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgres", "redis"])
async def test_every_operation_completes_exactly_while_workers_are_killed(
    backend: str, tmp_path: Path
) -> None:
    store = store_url(backend)
    empty_broker(REDIS_BROKER)
    rng = random.Random(backend)
    async with dispatching_engine(store, REDIS_BROKER) as engine:
        with running_workers(store, REDIS_BROKER, 3, tmp_path) as workers:
            operation_ids = await start_operations(engine, 50, tmp_path, chunk_ms=60)
            for _ in range(4):
                await asyncio.sleep(rng.uniform(0.8, 1.6))
                workers.kill_one(rng)
            await wait_all_completed(engine, operation_ids, timeout_s=150)
            kills = workers.kills
        await assert_exact_results(engine, operation_ids)
    started = executions(tmp_path)
    reruns = len(started) - len(set(started))
    assert set(started) == {(op, chunk) for op in operation_ids for chunk in range(CHUNKS)}
    assert reruns <= kills, f"{reruns} chunks ran again after {kills} kills"


@pytest.mark.slow
async def test_operations_started_by_a_killed_server_still_complete(tmp_path: Path) -> None:
    store = store_url("redis")
    empty_broker(REDIS_BROKER)
    async with dispatching_engine(store, REDIS_BROKER) as engine:
        with running_workers(store, REDIS_BROKER, 2, tmp_path):
            server = start_server_standin(store, REDIS_BROKER, tmp_path, count=40)
            assert server.stdout is not None
            started = [server.stdout.readline().strip() for _ in range(12)]
            server.send_signal(signal.SIGKILL)
            server.wait()
            page = await engine.list_operations(limit=200)
            operation_ids = [summary.operation_id for summary in page.operations]
            assert set(started) <= set(operation_ids)
            await wait_all_completed(engine, operation_ids, timeout_s=90)
        await assert_exact_results(engine, operation_ids)


@pytest.mark.slow
async def test_a_zombie_worker_cannot_commit_after_its_lease_was_taken_over(
    tmp_path: Path,
) -> None:
    store = store_url("postgres")
    empty_broker(REDIS_BROKER)
    async with dispatching_engine(store, REDIS_BROKER) as engine:
        with running_workers(store, REDIS_BROKER, 2, tmp_path) as workers:
            (operation_id,) = await start_operations(engine, 1, tmp_path, chunk_ms=1500)
            holder = await wait_for_holder(engine, operation_id, exclude=None)
            zombie_pid = int(holder.split(":")[2])
            await wait_for_file(tmp_path / f"{zombie_pid}.log")
            os.kill(zombie_pid, signal.SIGSTOP)
            try:
                heir = await wait_for_holder(engine, operation_id, exclude=holder)
                assert int(heir.split(":")[2]) != zombie_pid
                await wait_for_step(engine, operation_id, at_least=1)
            finally:
                os.kill(zombie_pid, signal.SIGCONT)
            await wait_all_completed(engine, [operation_id], timeout_s=60)
            assert workers.kills == 0
        await assert_exact_results(engine, [operation_id])
    started = Counter(executions(tmp_path))
    assert max(started.values()) >= 2, "the zombie's chunk should have been run again"


@pytest.mark.slow
async def test_a_rabbitmq_broker_carries_slices_too(tmp_path: Path) -> None:
    store = store_url("redis")
    empty_broker(RABBIT_BROKER)
    async with dispatching_engine(store, RABBIT_BROKER) as engine:
        with running_workers(store, RABBIT_BROKER, 2, tmp_path):
            operation_ids = await start_operations(engine, 6, tmp_path, chunk_ms=30)
            await wait_all_completed(engine, operation_ids, timeout_s=90)
        await assert_exact_results(engine, operation_ids)


async def wait_for_holder(engine: Engine, operation_id: str, exclude: str | None) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        record = await engine.store.get_operation(operation_id)
        assert record is not None
        if record.lease_holder and record.lease_holder != exclude:
            return record.lease_holder
        await asyncio.sleep(0.05)
    raise AssertionError("no worker took the operation")


async def wait_for_file(path: Path) -> None:
    """Until the worker has started a chunk (its execution log exists)."""
    deadline = time.monotonic() + 60
    while not await asyncio.to_thread(path.exists):
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        await asyncio.sleep(0.02)


async def wait_for_step(engine: Engine, operation_id: str, at_least: int) -> None:
    deadline = time.monotonic() + 60
    while (await engine.get_progress(operation_id)).progress.current_step < at_least:
        assert time.monotonic() < deadline, "the heir committed nothing"
        await engine.get_progress(operation_id, wait_ms=500)
