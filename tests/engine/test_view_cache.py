"""Polling reads build a view once per change of the operation, and never show a stale one."""

from __future__ import annotations

from agent_tools import Engine
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.view_cache import ViewCache, ViewKey


async def test_polling_an_unchanged_operation_hands_back_the_view_built_once(
    engine: Engine,
) -> None:
    started = await engine.execute_incrementally("count", {"total": 5}, budget_ms=0)
    first = await engine.get_progress(started.operation_id)
    assert await engine.get_progress(started.operation_id) is first


async def test_every_change_shows_in_the_next_poll(engine: Engine) -> None:
    started = await engine.execute_incrementally("count", {"total": 5}, budget_ms=0)
    before = await engine.get_progress(started.operation_id)
    resumed = await engine.resume(started.operation_id, budget_ms=5000)
    after = await engine.get_progress(started.operation_id)
    assert resumed.status is OperationStatus.COMPLETED
    assert after is not before
    assert after.status is OperationStatus.COMPLETED
    assert after.progress.current_step == 5 > before.progress.current_step


async def test_a_cancel_shows_in_the_next_poll(engine: Engine) -> None:
    started = await engine.execute_incrementally("count", {"total": 5}, budget_ms=0)
    await engine.get_progress(started.operation_id)
    await engine.cancel(started.operation_id)
    polled = await engine.get_progress(started.operation_id)
    assert polled.status is OperationStatus.CANCELLED


def test_a_view_built_for_another_key_is_not_handed_out() -> None:
    cache = ViewCache(capacity=2)
    view = object()
    cache.put("op-1", ViewKey(3, 1, False), view)  # type: ignore[arg-type]
    assert cache.get("op-1", ViewKey(3, 1, False)) is view
    assert cache.get("op-1", ViewKey(4, 1, False)) is None
    assert cache.get("op-1", ViewKey(3, 1, True)) is None


def test_the_least_recently_read_operation_is_dropped_first() -> None:
    cache = ViewCache(capacity=2)
    key = ViewKey(1, 1, False)
    for operation_id in ("op-1", "op-2"):
        cache.put(operation_id, key, object())  # type: ignore[arg-type]
    assert cache.get("op-1", key) is not None
    cache.put("op-3", key, object())  # type: ignore[arg-type]
    assert cache.get("op-2", key) is None
    assert cache.get("op-1", key) is not None and cache.get("op-3", key) is not None
