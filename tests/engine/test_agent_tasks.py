"""Agent-driven operations: a durable ledger the agent writes with record_progress."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_tools import Engine, OperationRegistry, OperationStatus
from agent_tools.builtin.agent_task import agent_task
from agent_tools.core.errors import IllegalTransitionError, InvalidInputError
from tests.engine import ops
from tests.engine.conftest import engine_settings


@pytest.fixture
def registry() -> OperationRegistry:
    registry = OperationRegistry()
    registry.register(agent_task)
    registry.register(ops.count)
    return registry


async def test_a_new_conversation_gets_back_the_saved_state_and_what_is_left(
    tmp_path: Path, registry: OperationRegistry
) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    steps = ["collect sources", "summarize", "write report"]
    async with Engine.from_url(url, registry=registry, settings=engine_settings()) as first:
        view = await first.execute_incrementally("agent_task", {"goal": "a report", "steps": steps})
        assert view.status is OperationStatus.RUNNING
        assert view.agent_task is not None
        assert view.agent_task.steps_remaining == steps
        assert '"collect sources"' in view.next_step
        view = await first.record_progress(
            view.operation_id,
            completed_steps=["collect sources"],
            state={"sources": ["a", "b"]},
            notes="found two sources",
        )
        assert view.progress.current_step == 1
        assert view.progress.percentage == pytest.approx(33.33, abs=0.01)
    async with Engine.from_url(url, registry=registry, settings=engine_settings()) as second:
        resumed = await second.resume(view.operation_id)
        assert resumed.agent_task is not None
        assert resumed.agent_task.saved_state == {"sources": ["a", "b"]}
        assert resumed.agent_task.steps_done == ["collect sources"]
        assert resumed.agent_task.steps_remaining == ["summarize", "write report"]
        assert resumed.agent_task.notes == ["found two sources"]
        assert [item.output for item in resumed.items] == [
            {"step": "collect sources", "notes": "found two sources"}
        ]
        done = await second.record_progress(
            view.operation_id,
            completed_steps=["summarize", "write report"],
            completed=True,
        )
        assert done.status is OperationStatus.COMPLETED
        assert done.progress.percentage == 100.0
        assert done.result is not None


async def test_record_progress_is_refused_for_operations_the_server_runs(
    registry: OperationRegistry,
) -> None:
    async with Engine.from_url("memory://", registry=registry, settings=engine_settings()) as eng:
        view = await eng.execute_incrementally("count", {"total": 3}, budget_ms=0)
        with pytest.raises(InvalidInputError):
            await eng.record_progress(view.operation_id, completed_steps=["x"])


async def test_a_completed_agent_task_cannot_record_more(registry: OperationRegistry) -> None:
    async with Engine.from_url("memory://", registry=registry, settings=engine_settings()) as eng:
        view = await eng.execute_incrementally("agent_task", {"goal": "g"})
        await eng.record_progress(view.operation_id, completed_steps=["all"], completed=True)
        with pytest.raises(IllegalTransitionError):
            await eng.record_progress(view.operation_id, completed_steps=["more"])
