"""Workers purge too: with only ``agent-tools worker`` running, expired operations go."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from agent_tools.core.status import OperationStatus
from agent_tools.stores import open_store
from agent_tools.stores.base import Store
from tests.contract.backends import emptied_afterwards
from tests.contract.records import new_record
from tests.fleet.harness import one_worker
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


@contextmanager
def _only_a_worker(url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """One worker process on ``url`` (its own queue, so no other test's slices reach it)."""
    require_service("Redis", "127.0.0.1", 6379)
    queue = f"purge-test-{uuid.uuid4().hex[:8]}"
    with one_worker(
        url, REDIS_URL, log, queue=queue, purge_interval_s=str(PURGE_INTERVAL_S)
    ) as worker:
        yield worker


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
    async with emptied_afterwards(open_store(url)) as store:
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
