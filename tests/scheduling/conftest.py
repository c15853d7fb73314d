"""An engine whose chunks count their work on :data:`counted_work.clock`, on memory and SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agent_tools import Engine, Settings
from agent_tools.core.status import OperationStatus
from agent_tools.core.views import OperationView
from tests.scheduling import counted_work


@pytest.fixture(params=["memory", "sqlite"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory://"
    return f"sqlite:///{tmp_path / 'ops.db'}"


@pytest.fixture
async def engine(store_url: str) -> AsyncIterator[Engine]:
    settings = Settings.model_validate(
        {"lease_ttl_s": 2.0, "inline_lease_grace_s": 1.0, "budget_ms": 1000}
    )
    async with Engine.from_url(
        store_url,
        registry=counted_work.registry,
        settings=settings,
        work_clock=counted_work.clock,
    ) as running:
        yield running


async def run_to_end(engine: Engine, operation_type: str, task: dict[str, Any]) -> OperationView:
    """Start an inline operation and resume it until it completes."""
    view = await engine.execute_incrementally(operation_type, task, budget_ms=2000)
    while view.status is not OperationStatus.COMPLETED:
        assert view.status is OperationStatus.PAUSED, view
        view = await engine.resume(view.operation_id, budget_ms=2000)
    return view


async def all_items(engine: Engine, operation_id: str) -> list[Any]:
    """Every result item's output, in order."""
    outputs: list[Any] = []
    cursor = None
    while True:
        page = await engine.get_results(operation_id, cursor=cursor)
        outputs.extend(item.output for item in page.items)
        cursor = page.next_cursor
        if not page.has_more:
            return outputs
