"""Retention: the type's, overridden server-wide by a setting, and per run by the caller."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from agent_tools import Engine
from agent_tools.core.errors import InvalidInputError, OperationNotFoundError
from tests.engine import ops
from tests.engine.conftest import engine_settings

DAY_S = 24 * 3600.0


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    settings = engine_settings(retention_s=DAY_S)
    async with Engine.from_url("memory://", registry=ops.registry, settings=settings) as running:
        yield running


async def _kept_for_s(engine: Engine, operation_id: str) -> float:
    record = await engine.store.get_operation(operation_id)
    assert record is not None and record.expires_at is not None
    return record.expires_at - record.updated_at


async def test_the_server_wide_retention_replaces_the_types(engine: Engine) -> None:
    view = await engine.execute_incrementally("count", {"total": 1}, budget_ms=5000)
    assert view.status.value == "completed"
    assert abs(await _kept_for_s(engine, view.operation_id) - DAY_S) < 60


async def test_a_runs_own_retention_beats_the_server_wide_one(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "count", {"total": 1}, budget_ms=5000, retention_s=3600
    )
    assert abs(await _kept_for_s(engine, view.operation_id) - 3600) < 60


async def test_an_ended_run_is_purged_once_its_retention_passed(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "count", {"total": 1}, budget_ms=5000, retention_s=3600
    )
    purged = await engine.store.purge_expired(time.time() + 3600 + 60)
    assert purged == 1
    with pytest.raises(OperationNotFoundError):
        await engine.get_progress(view.operation_id)


async def test_a_retention_that_is_not_positive_is_refused(engine: Engine) -> None:
    with pytest.raises(InvalidInputError):
        await engine.execute_incrementally("count", {"total": 1}, retention_s=0)
    assert (await engine.list_operations()).operations == []
