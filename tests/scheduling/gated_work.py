"""Operation types that wait for the test to let them go, and log the order they started in."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, Field

from agent_tools import ChunkProgress, ChunkResult, OperationRegistry, operation

registry = OperationRegistry()
started: list[str] = []
"""The label of every operation whose first chunk ran, in order."""
gate = asyncio.Event()
"""Set by the test to let every ``blocker`` go on."""


class LabelledInput(BaseModel):
    label: str
    chunks: int = Field(default=1, ge=1)
    chunk_ms: float = 0


@operation(name="blocker", input_model=LabelledInput, register=False)
async def blocker(
    task: LabelledInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Holds its slot until the test sets :data:`gate`."""
    started.append(task.label)
    await gate.wait()
    return ChunkResult(completed=True)


@operation(name="labelled", input_model=LabelledInput, register=False)
async def labelled(
    task: LabelledInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Logs its label when its first chunk runs; ``chunks`` chunks of ``chunk_ms``."""
    if chunk_index == 0:
        started.append(task.label)
    await asyncio.sleep(task.chunk_ms / 1000)
    return ChunkResult(output=chunk_index, completed=chunk_index + 1 >= task.chunks)


@operation(name="urgent", input_model=LabelledInput, priority=7, register=False)
async def urgent(
    task: LabelledInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Like ``labelled``, with a priority of 7 for every run of the type."""
    started.append(task.label)
    return ChunkResult(completed=True)


for definition in (blocker, labelled, urgent):
    registry.register(definition)
