"""What metrics and traces cost per chunk: the same run with each off and on.

Run: .venv/bin/python benchmarks/telemetry_overhead.py
A memory store keeps the storage cost out of the figure; each mode runs ROUNDS
times interleaved, and the median time per chunk is compared with "off".
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from agent_tools import ChunkProgress, ChunkResult, Engine, OperationRegistry, Settings, operation
from agent_tools.telemetry.setup import telemetry_for
from benchmarks.per_chunk import print_per_chunk

CHUNKS = 2000
ROUNDS = 5
registry = OperationRegistry()


class TickInput(BaseModel):
    total: int


@operation(name="tick", input_model=TickInput, register=False)
async def tick(task: TickInput, state: Any, progress: ChunkProgress, index: int) -> ChunkResult:
    n = (state or 0) + 1
    return ChunkResult(output=n, next_state=n, completed=n >= task.total)


registry.register(tick)


async def seconds_per_chunk(**settings: Any) -> float:
    options = Settings(store="memory://", **settings)
    telemetry = telemetry_for(options)
    async with Engine.from_settings(options, registry=registry, observer=telemetry.observer) as e:
        started = time.perf_counter()
        view = await e.execute_incrementally("tick", {"total": CHUNKS}, budget_ms=600_000)
        elapsed = time.perf_counter() - started
        assert view.status.value == "completed", view
    return elapsed / CHUNKS


async def main() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    modes: dict[str, dict[str, Any]] = {
        "off": {},
        "metrics": {"metrics": True},
        "traces": {"traces": "on"},
        "both": {"metrics": True, "traces": "on"},
    }
    figures: dict[str, list[float]] = {name: [] for name in modes}
    for _ in range(ROUNDS):
        for name, settings in modes.items():
            figures[name].append(await seconds_per_chunk(**settings))
            exporter.clear()
    print(f"{CHUNKS} chunks, memory store, median of {ROUNDS} interleaved rounds")
    print_per_chunk(figures, "off")


if __name__ == "__main__":
    asyncio.run(main())
