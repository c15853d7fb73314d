"""What a result cap costs per chunk: the same one-item-per-chunk run uncapped, capped, folded.

Run: .venv/bin/python benchmarks/capped_results.py
On a SQLite file (the embedded default), so the trims' store calls are in the figure;
each mode runs ROUNDS times interleaved, and the median time per chunk is compared
with the uncapped run.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, JsonValue

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent_tools import ChunkProgress, ChunkResult, Engine, OperationRegistry, Settings, operation

CHUNKS = 3000
CAP = 100
ROUNDS = 3
registry = OperationRegistry()


class TickInput(BaseModel):
    total: int


async def tick(task: TickInput, state: Any, progress: ChunkProgress, index: int) -> ChunkResult:
    n = (state or 0) + 1
    return ChunkResult(output={"n": n}, next_state=n, completed=n >= task.total)


def count_dropped(summary: JsonValue, dropped: list[JsonValue]) -> JsonValue:
    return (summary if isinstance(summary, int) else 0) + len(dropped)


for name, cap, compact in (
    ("uncapped", None, None),
    ("capped", CAP, None),
    ("folded", CAP, count_dropped),
):
    registry.register(
        operation(
            name=name,
            input_model=TickInput,
            max_result_items=cap,
            compact_results=compact,
            register=False,
        )(tick)
    )


async def seconds_per_chunk(folder: Path, operation_type: str, round_: int) -> float:
    settings = Settings(store=f"sqlite:///{folder / f'{operation_type}-{round_}.db'}")
    async with Engine.from_settings(settings, registry=registry) as engine:
        started = time.perf_counter()
        view = await engine.execute_incrementally(
            operation_type, {"total": CHUNKS}, budget_ms=600_000
        )
        elapsed = time.perf_counter() - started
        assert view.status.value == "completed", view
    return elapsed / CHUNKS


async def main() -> None:
    figures: dict[str, list[float]] = {"uncapped": [], "capped": [], "folded": []}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(ROUNDS):
            for name, values in figures.items():
                values.append(await seconds_per_chunk(Path(folder), name, round_))
    baseline = statistics.median(figures["uncapped"])
    print(f"{CHUNKS} chunks of one item, cap {CAP}, SQLite, median of {ROUNDS} rounds")
    for name, values in figures.items():
        median = statistics.median(values)
        print(f"{name:9} {median * 1e6:8.1f} us/chunk  {median / baseline:5.2f}x uncapped")


if __name__ == "__main__":
    asyncio.run(main())
