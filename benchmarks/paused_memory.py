"""Memory: RSS stays flat with 10,000 paused operations in the store.

Run: .venv/bin/python benchmarks/paused_memory.py
Each operation carries ~2 KB of state, ~20 MB in all; the engine keeps none of
it in memory between calls, so RSS should grow by far less than that.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent_tools import ChunkProgress, ChunkResult, Engine, OperationRegistry, operation

OPERATIONS = 10_000
STATE_BYTES = 2_000
registry = OperationRegistry()


class HeavyStateInput(BaseModel):
    seed: int


def _state(task: BaseModel) -> dict[str, Any]:
    assert isinstance(task, HeavyStateInput)
    return {"seed": task.seed, "blob": "m" * STATE_BYTES}


@operation(name="heavy_state", input_model=HeavyStateInput, initial_state=_state, register=False)
async def heavy_state(
    task: HeavyStateInput, state: Any, progress: ChunkProgress, index: int
) -> ChunkResult:
    return ChunkResult(next_state=state, completed=True)


registry.register(heavy_state)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'paused.db'}"
        async with Engine.from_url(url, registry=registry) as engine:
            await engine.execute_incrementally("heavy_state", {"seed": -1}, budget_ms=0)
            baseline = rss_mb()
            started = time.perf_counter()
            for seed in range(OPERATIONS):
                view = await engine.execute_incrementally(
                    "heavy_state", {"seed": seed}, budget_ms=0
                )
                await engine.pause(view.operation_id)
            created_s = time.perf_counter() - started
            after_create = rss_mb()
            cursor, listed = None, 0
            while True:
                page = await engine.list_operations(status="paused", limit=200, cursor=cursor)
                listed += len(page.operations)
                cursor = page.next_cursor
                if not page.has_more:
                    break
            after_list = rss_mb()
    state_mb = OPERATIONS * STATE_BYTES / 1e6
    print(f"{OPERATIONS} paused operations, {state_mb:.0f} MB of state in the store")
    print(f"created and paused in {created_s:.1f} s; listed {listed}")
    print(f"{'RSS':24} {'MB':>8} {'growth / state':>15}")
    for label, value in (
        ("before", baseline),
        ("after creating", after_create),
        ("after listing them all", after_list),
    ):
        print(f"{label:24} {value:8.1f} {(value - baseline) / state_mb:14.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
