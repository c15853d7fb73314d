"""Operation types for the telemetry tests: one that fails its first attempt at every chunk."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from agent_tools import ChunkProgress, ChunkResult, OperationRegistry, ProgressUpdate, operation
from agent_tools.core.definitions import RetryPolicy

registry = OperationRegistry()


class FlakyInput(BaseModel):
    chunks: int = Field(ge=1)


@operation(
    name="flaky",
    input_model=FlakyInput,
    retry=RetryPolicy(max_retries=2, initial_delay_s=0.0, jitter=0.0),
    register=False,
)
async def flaky(
    task: FlakyInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Each chunk raises on its first attempt and succeeds on the retry."""
    if progress.attempt == 1:
        raise ConnectionError("transient")
    done = chunk_index + 1
    return ChunkResult(
        output={"chunk": done},
        next_state=done,
        progress_update=ProgressUpdate(current_step=done, total_steps=task.chunks),
        completed=done >= task.chunks,
    )


registry.register(flaky)
