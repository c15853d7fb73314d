"""Engine figures: checkpoint cost per chunk, slice overshoot, resume time after kill -9.

Run: .venv/bin/python benchmarks/engine_slices.py
Every figure is compared with a baseline measured in the same run, because the
machines are shared and noisy.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent_tools import (
    ChunkProgress,
    ChunkResult,
    Engine,
    OperationRegistry,
    OperationStatus,
    Settings,
    operation,
)
from agent_tools.core.progress import advance
from agent_tools.core.records import ProgressRecord
from benchmarks.floors import aiosqlite_floor, sqlite3_floor

registry = OperationRegistry()
STATE_PADDING = "s" * 160


class SpinInput(BaseModel):
    total: int
    chunk_ms: float = 0.0


@operation(name="spin", input_model=SpinInput, register=False)
async def spin(task: SpinInput, state: Any, progress: ChunkProgress, index: int) -> ChunkResult:
    if task.chunk_ms:
        await asyncio.sleep(task.chunk_ms / 1000)
    n = (state or {"n": 0})["n"] + 1
    return ChunkResult(
        output={"n": n},
        next_state={"n": n, "padding": STATE_PADDING},
        completed=n >= task.total,
    )


registry.register(spin)


async def no_persistence(chunks: int) -> float:
    """Chunks per second of the same chunk loop with nothing stored."""
    state: Any = None
    progress = ProgressRecord()
    started = time.perf_counter()
    for index in range(chunks):
        context = ChunkProgress("bench", index, progress.current_step, None, 1)
        result = await spin(SpinInput(total=chunks), state, context, index)
        progress = advance(progress, result.progress_update, 1, 0.0)
        state = result.next_state
    return chunks / (time.perf_counter() - started)


async def through_engine(folder: Path, chunks: int, synchronous: str) -> float:
    """Chunks per second through the engine, one checkpoint per chunk."""
    url = f"sqlite:///{folder / f'engine-{synchronous}-{time.time()}.db'}?synchronous={synchronous}"
    settings = Settings(max_budget_ms=600_000)
    async with Engine.from_url(url, registry=registry, settings=settings) as engine:
        started = time.perf_counter()
        view = await engine.execute_incrementally("spin", {"total": chunks}, budget_ms=600_000)
        elapsed = time.perf_counter() - started
        assert view.status is OperationStatus.COMPLETED
    return chunks / elapsed


async def overshoot(folder: Path, chunk_ms: float, budget_ms: int, slices: int) -> list[float]:
    """How much later than its budget each call returned, in ms."""
    settings = Settings(inline_lease_grace_s=2.0)
    url = f"sqlite:///{folder / f'overshoot-{chunk_ms}.db'}"
    late: list[float] = []
    async with Engine.from_url(url, registry=registry, settings=settings) as engine:
        view = await engine.execute_incrementally(
            "spin", {"total": 10**9, "chunk_ms": chunk_ms}, budget_ms=0
        )
        for _ in range(slices):
            started = time.perf_counter()
            await engine.resume(view.operation_id, budget_ms=budget_ms)
            late.append((time.perf_counter() - started) * 1000 - budget_ms)
        await engine.cancel(view.operation_id)
    return late


RESUME_CHILD = """
import asyncio, sys, time
sys.path.insert(0, {root!r})
from benchmarks.engine_slices import registry
from agent_tools import Engine, Settings
async def main():
    settings = Settings(inline_lease_grace_s={grace})
    async with Engine.from_url({url!r}, registry=registry, settings=settings) as engine:
        print("ready", time.time(), flush=True)
        await engine.execute_incrementally(
            "spin", {{"total": 10**9, "chunk_ms": 5}}, operation_id="victim", budget_ms=2000)
        view = await engine.resume("victim", budget_ms=2000)
        print("resumed", view.progress.current_step, flush=True)
asyncio.run(main())
"""


def resume_after_kill(folder: Path, grace_s: float) -> tuple[float, float]:
    """Seconds from starting a new process to engine ready, and to its first resumed chunk."""
    db_path = folder / f"resume-{grace_s}.db"
    root = str(Path(__file__).resolve().parents[1])
    code = RESUME_CHILD.format(root=root, url=f"sqlite:///{db_path}", grace=grace_s)
    victim = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert victim.stdout is not None
    victim.stdout.readline()
    time.sleep(1.0)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    committed_before = _next_chunk(db_path)
    started = time.time()
    heir = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert heir.stdout is not None
    ready_at = float(heir.stdout.readline().split()[1])
    while _next_chunk(db_path) <= committed_before:
        time.sleep(0.001)
    first_chunk_at = time.time()
    heir.kill()
    heir.wait()
    return ready_at - started, first_chunk_at - started


def _next_chunk(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        row = db.execute(
            "SELECT next_chunk_index FROM operations WHERE operation_id = 'victim'"
        ).fetchone()
    return int(row[0])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


ROUNDS = 3


async def best_rates(folder: Path, chunks: int, synchronous: str) -> dict[str, float]:
    """Best chunks per second of each contender over interleaved rounds (noise-resistant)."""
    best = {"bare": 0.0, "floor": 0.0, "plain": 0.0, "engine": 0.0}
    for round_number in range(ROUNDS):
        round_folder = folder / f"{synchronous}-{round_number}"
        round_folder.mkdir()
        best["bare"] = max(best["bare"], await no_persistence(chunks))
        best["floor"] = max(best["floor"], await aiosqlite_floor(round_folder, chunks, synchronous))
        best["plain"] = max(best["plain"], sqlite3_floor(round_folder, chunks, synchronous))
        best["engine"] = max(
            best["engine"], await through_engine(round_folder, chunks, synchronous)
        )
    return best


async def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        print("Cost per chunk with one checkpoint per chunk (~200-byte state, 1 item)")
        print("best of 3 interleaved rounds; µs per chunk / the aiosqlite and sqlite3 floors")
        print(f"{'variant':48} {'chunks/s':>10} {'µs/chunk':>10} {'/aiosql':>8} {'/sqlite3':>8}")
        for synchronous, chunks in (("NORMAL", 2000), ("FULL", 600)):
            rates = await best_rates(folder, chunks, synchronous)
            for key, label in (
                ("bare", "chunk loop, no persistence"),
                ("floor", f"aiosqlite floor, synchronous={synchronous}"),
                ("plain", f"sqlite3 floor, synchronous={synchronous}"),
                ("engine", f"Engine on SqliteStore, synchronous={synchronous}"),
            ):
                rate = rates[key]
                print(
                    f"{label:48} {rate:10.0f} {1e6 / rate:10.1f} "
                    f"{rates['floor'] / rate:7.2f}x {rates['plain'] / rate:7.2f}x"
                )
        print("\nSlice overshoot past the budget (budget 500 ms)")
        print(f"{'chunk length':24} {'slices':>7} {'p99 ms':>8} {'max ms':>8}")
        for chunk_ms, slices in ((1.0, 20), (100.0, 20), (2500.0, 6)):
            late = await overshoot(folder, chunk_ms, 500, slices)
            print(
                f"{f'{chunk_ms:g} ms':24} {slices:7d} {percentile(late, 0.99):8.1f} "
                f"{max(late):8.1f}"
            )
        print("\nResume after kill -9 (inline lease grace 1 s)")
        ready_s, first_s = resume_after_kill(folder, 1.0)
        print(f"new process start -> engine ready        {ready_s:6.2f} s")
        print(f"new process start -> first resumed chunk {first_s:6.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
