"""Adaptive chunk sizes, priorities and the ETA from history, on real (sleeping) work.

Run: ``.venv/bin/python examples/scheduling.py``. It uses a memory store and takes
about 15 seconds (more on a loaded machine). Each item sleeps; half-way through the
first run, items get ten times dearer.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from pydantic import BaseModel, Field

from agent_tools import (
    ChunkProgress,
    ChunkResult,
    Engine,
    OperationRegistry,
    OperationStatus,
    ProgressUpdate,
    Settings,
    operation,
)

registry = OperationRegistry()


class ItemsInput(BaseModel):
    items: int = Field(ge=1)
    item_ms: float = 1.0
    dear_from: int | None = None
    """From this item on, each costs ten times ``item_ms``."""


def _planned(task: BaseModel) -> int:
    assert isinstance(task, ItemsInput)
    return task.items


@operation(
    name="items",
    input_model=ItemsInput,
    plan=_planned,
    chunk_size=10,
    adaptive_chunk_size=True,
    chunk_target_ms=200,
    register=False,
)
def items(task: ItemsInput, state: Any, progress: ChunkProgress, chunk_index: int) -> ChunkResult:
    """Sleep per item; report the chunk's size so the output shows it adapting."""
    done = state or 0
    size = min(progress.chunk_size, task.items - done)
    started = time.monotonic()
    for number in range(done, done + size):
        dear = task.dear_from is not None and number >= task.dear_from
        time.sleep(task.item_ms * (10 if dear else 1) / 1000)
    took_ms = round((time.monotonic() - started) * 1000)
    return ChunkResult(
        output={"first": done, "size": size, "ms": took_ms},
        next_state=done + size,
        progress_update=ProgressUpdate(advance=size),
        completed=done + size >= task.items,
    )


registry.register(items)


async def adaptive_chunks(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "items", {"items": 3000, "dear_from": 1500}, budget_ms=60_000
    )
    page = await engine.get_results(view.operation_id, limit=200)
    chunks: list[Any] = [item.output for item in page.items]
    print("chunk sizes, items from 1500 on cost ten times more (target 200 ms a chunk):")
    print("  sizes:", " ".join(str(chunk["size"]) for chunk in chunks))
    print("  ms:   ", " ".join(str(chunk["ms"]) for chunk in chunks))


async def eta_from_history(engine: Engine) -> None:
    await engine.execute_incrementally("items", {"items": 500}, budget_ms=60_000)
    started = time.monotonic()
    view = await engine.execute_incrementally("items", {"items": 1000}, budget_ms=0)
    progress = view.progress
    print(
        f"second run, before its first chunk: eta {progress.eta_seconds}s "
        f"({progress.eta_low_seconds}-{progress.eta_high_seconds}, {progress.eta_basis})"
    )
    while view.status is not OperationStatus.COMPLETED:
        view = await engine.resume(view.operation_id, budget_ms=60_000)
    record = await engine.store.get_operation(view.operation_id)
    assert record is not None
    print(
        f"  it took {record.progress.active_seconds:.2f}s of active work "
        f"({time.monotonic() - started:.2f}s in all)"
    )


async def priorities() -> None:
    settings = Settings(max_background=1)
    async with Engine.from_url("memory://", registry=registry, settings=settings) as engine:
        ids = {}
        for label, priority in [("first", 0), ("low", 0), ("urgent", 9), ("medium", 5)]:
            view = await engine.execute_incrementally(
                "items", {"items": 200}, mode="background", budget_ms=0, priority=priority
            )
            ids[view.operation_id] = label
        finished: list[str] = []
        while len(finished) < len(ids):
            for operation_id, label in ids.items():
                view = await engine.get_progress(operation_id, wait_ms=100)
                if view.status is OperationStatus.COMPLETED and label not in finished:
                    finished.append(label)
        print("one slot, order of completion:", " ".join(finished))


async def main() -> None:
    async with Engine.from_url("memory://", registry=registry) as engine:
        await adaptive_chunks(engine)
    async with Engine.from_url("memory://", registry=registry) as engine:
        await eta_from_history(engine)
    await priorities()


if __name__ == "__main__":
    asyncio.run(main())
