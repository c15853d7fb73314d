"""Workers purge too: with only ``agent-tools worker`` running, expired operations go."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest

from agent_tools.core.status import OperationStatus
from agent_tools.stores import open_store
from agent_tools.stores.base import Store
from tests.contract.records import new_record
from tests.fleet.harness import OPS, PROJECT_ROOT
from tests.services import POSTGRES_URL, REDIS_URL, require_service

PURGE_INTERVAL_S = 0.3
DEADLINE_S = 45.0


def _store_url(backend: str, tmp_path: Path) -> str:
    unique = f"purge_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    if backend == "postgres":
        require_service("PostgreSQL", "127.0.0.1", 5432)
        return f"{POSTGRES_URL}?schema={unique}"
    require_service("Redis", "127.0.0.1", 6379)
    return f"{REDIS_URL}?prefix={unique}"


@asynccontextmanager
async def _shared_store(url: str) -> AsyncIterator[Store]:
    store = open_store(url)
    await store.open()
    try:
        yield store
    finally:
        drop = getattr(store, "drop_everything", None)
        if drop is not None:
            await drop()
        await store.close()


@contextmanager
def _only_a_worker(url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """One worker process on ``url`` (its own queue, so no other test's slices reach it)."""
    require_service("Redis", "127.0.0.1", 6379)
    environment = {
        **os.environ,
        "AGENT_TOOLS_STORE": url,
        "AGENT_TOOLS_BROKER": REDIS_URL,
        "AGENT_TOOLS_QUEUE": f"purge-test-{uuid.uuid4().hex[:8]}",
        "AGENT_TOOLS_PURGE_INTERVAL_S": str(PURGE_INTERVAL_S),
        "AGENT_TOOLS_LEASE_TTL_S": "2",
    }
    with log.open("wb") as errors:
        worker = subprocess.Popen(
            [sys.executable, "-m", "agent_tools.surfaces.cli", "worker", "--ops", OPS],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


async def _wait_until_gone(
    store: Store, operation_id: str, worker: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while await store.get_operation(operation_id) is not None:
        assert worker.poll() is None, _tail(log)
        assert time.monotonic() < deadline, "the worker never purged: " + _tail(log)
        await store.wait_for_change(operation_id, 0, 0.2)


@pytest.mark.parametrize("backend", ["sqlite", "postgres", "redis"])
async def test_a_worker_alone_purges_operations_whose_retention_passed_as_it_runs(
    backend: str, tmp_path: Path
) -> None:
    url = _store_url(backend, tmp_path)
    async with _shared_store(url) as store:
        now = time.time()
        kept = new_record(status=OperationStatus.COMPLETED, expires_at=now + 3600)
        expired = new_record(status=OperationStatus.COMPLETED, expires_at=now - 1)
        for record in (kept, expired):
            await store.create_operation(record)
        log = tmp_path / "worker.err"
        with _only_a_worker(url, log) as worker:
            await _wait_until_gone(store, expired.operation_id, worker, log)
            # Not only at start: one that expires while the worker runs goes too.
            later = new_record(status=OperationStatus.COMPLETED, expires_at=time.time() - 1)
            await store.create_operation(later)
            await _wait_until_gone(store, later.operation_id, worker, log)
        assert await store.get_operation(kept.operation_id) is not None
