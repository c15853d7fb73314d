"""An operation that carries a known secret in every payload the store keeps."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent_tools import ChunkResult, Engine, InputRequest, OperationRegistry, operation
from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.registry import OperationRegistry as Registry
from agent_tools.runtime.loading import load_operations

SECRET = "Sesame-7f3a91c4"
"""Appears in the input, the state, a result item, the result, an answer and notes."""

registry = OperationRegistry()


class SecretInput(BaseModel):
    secret: str


@operation(name="secretive", input_model=SecretInput, register=False)
async def secretive(
    task: SecretInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Ask for a confirmation, then emit the secret everywhere."""
    if state is None:
        form = {"type": "object", "properties": {"word": {"type": "string"}}}
        return ChunkResult(
            next_state={"kept": task.secret},
            ask={"word": InputRequest(message="The word?", requested_schema=form)},
        )
    answer = progress.input_responses["word"].content or {}
    return ChunkResult(
        output={"item": task.secret, "answer": answer.get("word")},
        next_state={"kept": task.secret, "again": answer.get("word")},
        completed=True,
        result={"result": task.secret},
    )


class StopFileInput(BaseModel):
    stop_file: str


@operation(name="until_stopped", input_model=StopFileInput, register=False)
async def until_stopped(
    task: StopFileInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """One numbered item (with the secret) per chunk until the stop file exists."""
    await asyncio.sleep(0.01)
    if await asyncio.to_thread(Path(task.stop_file).exists):
        return ChunkResult(completed=True, result={"count": chunk_index, "secret": SECRET})
    return ChunkResult(output={"n": chunk_index, "secret": SECRET}, next_state={"n": chunk_index})


registry.register(secretive)
registry.register(until_stopped)
registry.merge(load_operations([], Registry()))


async def fill(engine: Engine) -> list[str]:
    """Put the secret in every payload field, through the engine as a client would.

    Returns the ids of the two operations that hold it."""
    asked = await engine.execute_incrementally("secretive", {"secret": SECRET}, budget_ms=5000)
    [key] = asked.input_requests
    done = await engine.provide_input(
        asked.operation_id,
        {key: {"action": "accept", "content": {"word": SECRET}}},
        budget_ms=5000,
    )
    assert done.status.value == "completed"
    results = await engine.get_results(asked.operation_id)
    assert results.items[0].output == {"item": SECRET, "answer": SECRET}  # readable in clear
    assert done.result == {"result": SECRET}
    ledger = await engine.execute_incrementally("agent_task", {"goal": SECRET})
    await engine.record_progress(
        ledger.operation_id, completed_steps=[SECRET], state={"s": SECRET}, notes=SECRET
    )
    return [asked.operation_id, ledger.operation_id]
