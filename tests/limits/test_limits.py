"""Limits per principal: live operations, input, state, item size and items per chunk.

A refused start stores nothing; a chunk over a limit is not committed, the operation
fails with ``limit_exceeded`` and keeps what earlier chunks committed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from agent_tools import ChunkResult, Engine, OperationRegistry, operation
from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.limits import LimitExceededError
from agent_tools.core.principals import Principal, Role, acting_as
from agent_tools.core.registry import OperationRegistry as Registry
from agent_tools.runtime.loading import load_operations
from tests.engine import ops
from tests.engine.conftest import engine_settings

ALICE = Principal("alice", Role.OPERATOR)
BOB = Principal("bob", Role.OPERATOR)

registry = OperationRegistry()


@operation(name="emit", input_model=ops.CountInput, register=False)
async def emit(
    task: ops.CountInput, state: Any, progress: ChunkProgress, index: int
) -> ChunkResult:
    """Chunk 0 emits one small item; chunk 1 emits ``total`` items of ``payload_bytes``
    and a state three times that size."""
    if index == 0:
        return ChunkResult(output={"first": True}, next_state={"chunk": 1})
    items = [{"payload": "x" * task.payload_bytes} for _ in range(task.total)]
    return ChunkResult(
        items=items, next_state={"pad": "y" * 3 * task.payload_bytes}, completed=True
    )


registry.register(emit)
registry.merge(ops.registry)


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    settings = engine_settings(
        limit_live_operations=2,
        limit_input_bytes=200,
        limit_state_bytes=1000,
        limit_item_bytes=500,
        limit_items_per_chunk=5,
    )
    async with Engine.from_url("memory://", registry=registry, settings=settings) as running:
        yield running


async def _count(engine: Engine) -> int:
    return len((await engine.list_operations(limit=200)).operations)


async def test_a_principal_may_have_only_so_many_live_operations(engine: Engine) -> None:
    with acting_as(ALICE):
        for _ in range(2):
            await engine.execute_incrementally("count", {"total": 5}, budget_ms=0)
        with pytest.raises(LimitExceededError) as refused:
            await engine.execute_incrementally("count", {"total": 5}, budget_ms=0)
    with acting_as(BOB):
        bobs = await engine.execute_incrementally("count", {"total": 5}, budget_ms=0)
    assert refused.value.code == "limit_exceeded" and "cancel" in refused.value.hint
    assert refused.value.details["limit"] == 2
    assert bobs.status.value in ("pending", "paused", "running")
    assert await _count(engine) == 3  # the refused start stored nothing


async def test_an_ended_operation_no_longer_counts(engine: Engine) -> None:
    with acting_as(ALICE):
        first = await engine.execute_incrementally("count", {"total": 5}, budget_ms=0)
        await engine.execute_incrementally("count", {"total": 5}, budget_ms=0)
        await engine.cancel(first.operation_id)
        third = await engine.execute_incrementally("count", {"total": 1}, budget_ms=2000)
    assert third.status.value == "completed"


async def test_continuing_an_existing_run_is_not_a_new_one(engine: Engine) -> None:
    with acting_as(ALICE):
        for name in ("a", "b"):
            await engine.execute_incrementally(
                "count", {"total": 5}, operation_id=name, budget_ms=0
            )
        again = await engine.execute_incrementally(
            "count", {"total": 5}, operation_id="a", budget_ms=0
        )
    assert again.operation_id == "a"


async def test_an_input_over_the_limit_is_refused_and_nothing_is_stored(engine: Engine) -> None:
    with acting_as(ALICE), pytest.raises(LimitExceededError) as refused:
        await engine.execute_incrementally("count", {"total": 1, "payload_bytes": 10**200})
    assert "The input" in refused.value.message
    assert await _count(engine) == 0


@pytest.mark.parametrize(
    ("arguments", "what"),
    [
        ({"total": 6, "payload_bytes": 1}, "The items of one chunk"),
        ({"total": 1, "payload_bytes": 600}, "A result item"),
        ({"total": 1, "payload_bytes": 400}, "The state"),
    ],
)
async def test_a_chunk_over_a_limit_is_not_committed_and_fails_the_run(
    engine: Engine, arguments: dict[str, int], what: str
) -> None:
    view = await engine.execute_incrementally("emit", arguments, budget_ms=5000)
    results = await engine.get_results(view.operation_id)
    assert view.status.value == "failed"
    assert view.error is not None and view.error.code == "limit_exceeded"
    assert view.error.message.startswith(what)
    assert [item.output for item in results.items] == [{"first": True}]


async def test_record_progress_refuses_a_state_over_the_limit(engine: Engine) -> None:
    tools = load_operations([], Registry())
    async with Engine.from_url(
        "memory://", registry=tools, settings=engine_settings(limit_state_bytes=100)
    ) as ledger:
        task = await ledger.execute_incrementally("agent_task", {"goal": "write"})
        with pytest.raises(LimitExceededError):
            await ledger.record_progress(
                task.operation_id, completed_steps=["a"], state={"big": "z" * 200}
            )
        kept = await ledger.resume(task.operation_id)
    assert kept.progress.steps_completed == []
