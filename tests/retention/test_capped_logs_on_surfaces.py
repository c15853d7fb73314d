"""What clients see of a capped result log through the tools every surface runs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_tools import Engine, OperationStatus
from agent_tools.core.views import OperationView
from agent_tools.surfaces.mcp.app.latest_results import LATEST_RESULTS
from agent_tools.surfaces.mcp.summaries import summarize
from agent_tools.surfaces.tool_catalog import TOOLS
from agent_tools.surfaces.tool_outcome import ToolSuccess, run_tool
from tests.engine.conftest import engine_settings
from tests.fixtures.capped_ops import registry

GET_RESULTS = next(spec for spec in TOOLS if spec.name == "get_results")


@pytest.fixture
async def capped_run() -> AsyncIterator[tuple[Engine, str]]:
    settings = engine_settings(max_budget_ms=60_000)
    async with Engine.from_url("memory://", registry=registry, settings=settings) as engine:
        view = await engine.execute_incrementally(
            "capped", {"total": 500, "per_chunk": 50}, budget_ms=60_000
        )
        assert view.status is OperationStatus.COMPLETED
        yield engine, view.operation_id


def _view(outcome: object) -> OperationView:
    assert isinstance(outcome, ToolSuccess), outcome
    assert isinstance(outcome.result, OperationView)
    return outcome.result


async def test_get_results_from_the_start_says_the_oldest_items_were_dropped(
    capped_run: tuple[Engine, str],
) -> None:
    engine, operation_id = capped_run
    view = _view(await run_tool(GET_RESULTS, engine, {"operation_id": operation_id}))
    assert (view.dropped_items, view.skipped_items, view.items[0].seq) == (400, 400, 401)
    wire = view.model_dump(mode="json")
    assert wire["dropped_items"] == 400 and wire["skipped_items"] == 400
    assert "400 result items after your cursor were dropped" in view.next_step


async def test_the_text_summary_names_the_dropped_items(capped_run: tuple[Engine, str]) -> None:
    engine, operation_id = capped_run
    view = _view(await run_tool(GET_RESULTS, engine, {"operation_id": operation_id}))
    assert "the oldest 400 items no longer kept" in summarize(view)


async def test_latest_results_read_the_newest_kept_items_without_a_gap(
    capped_run: tuple[Engine, str],
) -> None:
    engine, _ = capped_run
    small = await engine.execute_incrementally(
        "folded", {"total": 500, "per_chunk": 50}, budget_ms=60_000, max_result_items=10
    )
    arguments = {"operation_id": small.operation_id, "limit": 50}
    view = _view(await run_tool(LATEST_RESULTS, engine, arguments))
    assert [item.seq for item in view.items] == list(range(491, 501))
    assert view.skipped_items == 0
    assert "dropped" not in view.next_step


async def test_describe_operation_types_tells_the_agent_about_the_cap(
    capped_run: tuple[Engine, str],
) -> None:
    engine, _ = capped_run
    types = {info.name: info for info in engine.describe_operation_types().operation_types}
    assert types["capped"].max_result_items == 100
    assert types["uncapped"].max_result_items is None
