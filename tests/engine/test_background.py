"""Background mode: work goes on between calls; orphans are taken up after their lease."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from agent_tools import Engine, OperationStatus
from agent_tools.core.records import Event, LeaseRequest, StatusChange
from tests.engine import ops
from tests.engine.conftest import engine_settings


async def wait_for_status(
    engine: Engine, operation_id: str, status: OperationStatus, timeout_s: float = 10
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        view = await engine.get_progress(operation_id, wait_ms=200)
        if view.status is status:
            return
    raise AssertionError(f"{operation_id} did not become {status}")


async def test_background_work_continues_between_calls(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "count", {"total": 30, "chunk_delay_ms": 10}, mode="background", budget_ms=50
    )
    assert view.status in (OperationStatus.PENDING, OperationStatus.RUNNING)
    assert "get_progress" in view.next_step
    await wait_for_status(engine, view.operation_id, OperationStatus.COMPLETED)
    results = await engine.get_results(view.operation_id, limit=100)
    assert [item.seq for item in results.items] == list(range(1, 31))


async def test_get_progress_long_polls_until_progress_changes(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "count", {"total": 3, "chunk_delay_ms": 300}, mode="background", budget_ms=0
    )
    await wait_for_status(engine, view.operation_id, OperationStatus.RUNNING)
    before = await engine.get_progress(view.operation_id)
    started = time.monotonic()
    after = await engine.get_progress(view.operation_id, wait_ms=5000)
    waited = time.monotonic() - started
    assert after.progress.current_step > before.progress.current_step
    assert waited < 2.0


async def test_get_progress_on_a_resting_operation_does_not_wait(engine: Engine) -> None:
    view = await engine.execute_incrementally("count", {"total": 50}, budget_ms=0)
    await engine.pause(view.operation_id)
    started = time.monotonic()
    await engine.get_progress(view.operation_id, wait_ms=5000)
    assert time.monotonic() - started < 1.0


async def test_an_engine_takes_up_operations_a_dead_process_left_running(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    settings = engine_settings(lease_ttl_s=1.0)
    async with Engine.from_url(url, registry=ops.registry, settings=settings) as first:
        # Chunks slow enough that the pause lands long before the run could finish.
        view = await first.execute_incrementally(
            "count", {"total": 10, "chunk_delay_ms": 50}, mode="background", budget_ms=0
        )
        await first.pause(view.operation_id)
        record = await first.store.get_operation(view.operation_id)
        assert record is not None and record.status is OperationStatus.PAUSED
        # Make it look like a process died while running it: running, with a live lease.
        await first.store.change_status(
            StatusChange(
                operation_id=record.operation_id,
                expected=frozenset({OperationStatus.PAUSED}),
                status=OperationStatus.RUNNING,
                event=Event(kind="resumed", at=time.time()),
            ),
            time.time(),
        )
        lease = await first.store.acquire_lease(
            LeaseRequest(operation_id=record.operation_id, holder="dead-process", ttl_s=1.0),
            time.time(),
        )
        assert lease is not None
    async with Engine.from_url(url, registry=ops.registry, settings=settings) as second:
        await wait_for_status(second, view.operation_id, OperationStatus.COMPLETED)
        final = await second.get_results(view.operation_id)
        assert [item.seq for item in final.items] == list(range(1, 11))


async def test_an_inline_resume_after_a_crash_waits_only_for_the_short_lease(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    settings = engine_settings(inline_lease_grace_s=1.0)
    async with Engine.from_url(url, registry=ops.registry, settings=settings) as first:
        view = await first.execute_incrementally("count", {"total": 5}, budget_ms=0)
        await first.pause(view.operation_id)
        lease = await first.store.acquire_lease(
            LeaseRequest(operation_id=view.operation_id, holder="crashed", ttl_s=1.0), time.time()
        )
        assert lease is not None
    async with Engine.from_url(url, registry=ops.registry, settings=settings) as second:
        started = time.monotonic()
        while True:
            result = await second.resume(view.operation_id, budget_ms=500)
            if result.status is OperationStatus.COMPLETED:
                break
            assert time.monotonic() - started < 5
        assert time.monotonic() - started < 3


async def test_closing_the_engine_leaves_no_runner_behind(tmp_path: Path) -> None:
    # Slices of 5 ms: a run stopped for the shutdown reports work left, and its
    # dispatcher asks at once for the next slice, which must not start any more.
    for attempt in range(10):
        url = f"sqlite:///{tmp_path / f'ops-{attempt}.db'}"
        settings = engine_settings(worker_slice_s=0.005)
        engine = Engine.from_url(url, registry=ops.registry, settings=settings)
        async with engine:
            view = await engine.execute_incrementally(
                "count", {"total": 10**6, "chunk_delay_ms": 1}, mode="background", budget_ms=0
            )
            deadline = time.monotonic() + 5
            while (await engine.get_progress(view.operation_id)).progress.current_step < 20:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.01)
        left = [
            task.get_name()
            for task in asyncio.all_tasks()
            if task.get_name() == f"run {view.operation_id}" and not task.done()
        ]
        assert left == [], f"attempt {attempt}: a runner outlived its engine"
