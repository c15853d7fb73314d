"""Two processes on one SQLite file: atomic lease claims and long-polls that see each other."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from agent_tools.stores.sqlite import SqliteStore
from tests.contract.records import new_record

CHILD = """
import asyncio, sys, time
from agent_tools.core.records import LeaseRequest
from agent_tools.stores.sqlite import SqliteStore
from tests.contract.records import checkpoint

async def main(url, command, operation_id, holder):
    store = SqliteStore(url)
    await store.open()
    try:
        request = LeaseRequest(operation_id=operation_id, holder=holder, ttl_s=30)
        lease = await store.acquire_lease(request, time.time())
        if command == "commit" and lease is not None:
            assert await store.commit_checkpoint(checkpoint(lease)) == "committed"
        print("won" if lease is not None else "lost", flush=True)
    finally:
        await store.close()

asyncio.run(main(*sys.argv[1:]))
"""

ROOT = Path(__file__).resolve().parents[2]


async def run_child(url: str, command: str, operation_id: str, holder: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        url,
        command,
        operation_id,
        holder,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    return stdout.decode().strip()


async def opened(tmp_path: Path) -> Store:
    store = SqliteStore(f"sqlite:///{tmp_path / 'shared' / 'ops.db'}")
    await store.open()
    return store


async def test_a_long_poll_wakes_on_a_commit_made_by_another_process(tmp_path: Path) -> None:
    store = await opened(tmp_path)
    try:
        record, _ = await store.create_operation(new_record(status=OperationStatus.RUNNING))
        waiter = asyncio.create_task(
            store.wait_for_change(record.operation_id, record.revision, 60)
        )
        done, _ = await asyncio.wait({waiter}, timeout=0.3)
        assert not done, "the long-poll returned before anything changed"
        assert await run_child(store.url, "commit", record.operation_id, "other") == "won"
        started = time.monotonic()
        await asyncio.wait_for(waiter, 10)
        assert time.monotonic() - started < 5
        fresh = await store.get_operation(record.operation_id)
        assert fresh is not None and fresh.revision == record.revision + 1
    finally:
        await store.close()


async def test_processes_racing_for_one_lease_exactly_one_wins(tmp_path: Path) -> None:
    store = await opened(tmp_path)
    try:
        for round_number in range(3):
            record, _ = await store.create_operation(
                new_record(f"race-{round_number}", status=OperationStatus.RUNNING)
            )
            outcomes = await asyncio.gather(
                *(
                    run_child(store.url, "acquire", record.operation_id, f"process-{n}")
                    for n in range(4)
                )
            )
            assert sorted(outcomes) == ["lost", "lost", "lost", "won"]
            fresh = await store.get_operation(record.operation_id)
            assert fresh is not None and fresh.lease_token == 1
    finally:
        await store.close()
