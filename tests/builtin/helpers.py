"""Drive a built-in chunk function directly, the way the engine would, one chunk at a time."""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass, field
from typing import Any

from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.definitions import ChunkResult, OperationType
from agent_tools.core.policy import ExecutionPolicy


@dataclass
class DirectRun:
    """What a run produced: items in order, the final result, and every committed state."""

    items: list[Any] = field(default_factory=list)
    result: Any = None
    states: list[Any] = field(default_factory=list)


async def run_chunk(
    definition: OperationType,
    request: Any,
    state: Any,
    chunk_index: int,
    policy: ExecutionPolicy,
    chunk_size: int,
    operation_id: str = "op-test",
) -> ChunkResult:
    """Run one chunk; the state given and returned goes through JSON like a stored one."""
    assert definition.chunk_function is not None
    progress = ChunkProgress(
        operation_id=operation_id,
        chunk_index=chunk_index,
        current_step=0,
        total_steps=None,
        chunk_size=chunk_size,
        policy=policy,
    )
    stored_state = json.loads(json.dumps(state))
    value = definition.chunk_function(request, stored_state, progress, chunk_index)
    if inspect.isawaitable(value):
        value = await value
    assert isinstance(value, ChunkResult)
    json.dumps(value.next_state)
    return value


def parse_input(definition: OperationType, raw: dict[str, Any]) -> Any:
    return definition.input_model.model_validate(raw)


def initial_state(definition: OperationType, request: Any) -> Any:
    return definition.initial_state(request) if definition.initial_state else None


async def run_all(
    definition: OperationType,
    raw: dict[str, Any],
    policy: ExecutionPolicy,
    chunk_size: int,
    max_chunks: int = 10_000,
) -> DirectRun:
    """Run chunks until the operation completes."""
    request = parse_input(definition, raw)
    state = initial_state(definition, request)
    run = DirectRun(states=[state])
    for chunk_index in range(max_chunks):
        result = await run_chunk(definition, request, state, chunk_index, policy, chunk_size)
        run.items.extend(result.outputs())
        state = result.next_state
        run.states.append(state)
        if result.completed:
            run.result = result.result if result.result is not None else state
            return run
    raise AssertionError("did not complete")
