"""Operation types the engine tests run, in a registry of their own."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from pydantic import BaseModel, Field

from agent_tools import (
    ChunkProgress,
    ChunkResult,
    InputRequest,
    OperationRegistry,
    RetryPolicy,
    operation,
)
from agent_tools.core.definitions import ProgressUpdate

registry = OperationRegistry()


class CountInput(BaseModel):
    total: int = Field(ge=1)
    chunk_delay_ms: float = 0
    payload_bytes: int = 0


def _count_plan(task: BaseModel) -> int:
    assert isinstance(task, CountInput)
    return task.total


@operation(name="count", input_model=CountInput, plan=_count_plan, register=False)
async def count(
    task: CountInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Count to ``total``, one step and one item per chunk; the result is the sum."""
    done = state or {"n": 0, "sum": 0}
    if task.chunk_delay_ms:
        await asyncio.sleep(task.chunk_delay_ms / 1000)
    n = done["n"] + 1
    output: dict[str, Any] = {"n": n, "key": progress.idempotency_key}
    if task.payload_bytes:
        output["payload"] = "x" * task.payload_bytes
    return ChunkResult(
        output=output,
        next_state={"n": n, "sum": done["sum"] + n},
        progress_update=ProgressUpdate(advance=1, label=f"item {n}"),
        completed=n >= task.total,
        result={"sum": done["sum"] + n} if n >= task.total else None,
    )


registry.register(count)


class SleepInput(BaseModel):
    chunks: int = 3
    sleep_ms: float = 100


@operation(name="sync_sleep", input_model=SleepInput, register=False)
def sync_sleep(
    task: SleepInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Blocking sleep per chunk: must run off the event loop."""
    time.sleep(task.sleep_ms / 1000)
    progress.report(chunk_index, f"slept in {threading.current_thread().name}")
    return ChunkResult(
        output={"chunk": chunk_index, "thread": threading.current_thread().name},
        next_state=chunk_index + 1,
        completed=chunk_index + 1 >= task.chunks,
    )


registry.register(sync_sleep)


class FlakyInput(BaseModel):
    failures_before_success: int
    chunks: int = 2


FLAKY_ATTEMPTS: dict[str, int] = {}


@operation(
    name="flaky",
    input_model=FlakyInput,
    retry=RetryPolicy(max_retries=2, initial_delay_s=0.01, max_delay_s=0.05),
    register=False,
)
async def flaky(
    task: FlakyInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Fails the first N attempts of every chunk."""
    key = progress.idempotency_key
    FLAKY_ATTEMPTS[key] = FLAKY_ATTEMPTS.get(key, 0) + 1
    if FLAKY_ATTEMPTS[key] <= task.failures_before_success:
        raise ConnectionError(f"transient failure {FLAKY_ATTEMPTS[key]}")
    return ChunkResult(
        output={"chunk": chunk_index, "attempts": FLAKY_ATTEMPTS[key]},
        next_state=chunk_index + 1,
        completed=chunk_index + 1 >= task.chunks,
    )


registry.register(flaky)


class HangInput(BaseModel):
    hang_s: float = 30


@operation(
    name="hang",
    input_model=HangInput,
    retry=RetryPolicy(max_retries=1, initial_delay_s=0.01, max_delay_s=0.01),
    register=False,
)
async def hang(
    task: HangInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """One chunk that sleeps for a long time (for cancellation and timeouts)."""
    await asyncio.sleep(task.hang_s)
    return ChunkResult(output="woke", completed=True)


registry.register(hang)


class VersionedInput(BaseModel):
    words: list[str]


@operation(name="versioned", input_model=VersionedInput, version=1, register=False)
async def versioned_v1(
    task: VersionedInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    position = state or 0
    return ChunkResult(
        output={"v": 1, "word": task.words[position]},
        next_state=position + 1,
        completed=position + 1 >= len(task.words),
    )


class VersionedInputV2(BaseModel):
    words: list[str]
    upper: bool = True


def _v1_to_v2(task: dict[str, Any], state: Any) -> tuple[dict[str, Any], Any]:
    return {**task, "upper": True}, {"position": state or 0}


@operation(
    name="versioned",
    input_model=VersionedInputV2,
    version=2,
    migrations={1: _v1_to_v2},
    register=False,
)
async def versioned_v2(
    task: VersionedInputV2, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    position = (state or {"position": 0})["position"]
    word = task.words[position]
    return ChunkResult(
        output={"v": 2, "word": word.upper() if task.upper else word},
        next_state={"position": position + 1},
        completed=position + 1 >= len(task.words),
    )


class ReviewInput(BaseModel):
    files: list[str] = Field(min_length=1)


DELETE_QUESTION = {
    "type": "object",
    "properties": {"delete": {"type": "boolean"}},
    "required": ["delete"],
}
NOTE_QUESTION = {"type": "object", "properties": {"note": {"type": "string"}}}


@operation(name="review", input_model=ReviewInput, register=False)
async def review(
    task: ReviewInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Two chunks per file: one asks whether to delete it (and for a note), one acts on it."""
    position, asked = state or (0, False)
    file = task.files[position]
    if not asked:
        return ChunkResult(
            next_state=[position, True],
            ask={
                "delete": InputRequest(message=f"Delete {file}?", requested_schema=DELETE_QUESTION),
                "note": InputRequest(message="A note for the log?", requested_schema=NOTE_QUESTION),
            },
        )
    delete, note = progress.input_responses["delete"], progress.input_responses["note"]
    done = position + 1 >= len(task.files)
    return ChunkResult(
        output={
            "file": file,
            "deleted": delete.accepted and delete.content == {"delete": True},
            "note": (note.content or {}).get("note") if note.accepted else note.action,
        },
        next_state=[position + 1, False],
        progress_update=ProgressUpdate(advance=1),
        completed=done,
        result={"reviewed": len(task.files)} if done else None,
    )


registry.register(review)
