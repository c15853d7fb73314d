"""What recording an access costs: ``get_progress`` through a tool call, audited and not.

Run: .venv/bin/python benchmarks/access_audit.py [--store sqlite|memory] [--calls 2000]
The same engine and operation; each round times CALLS calls of ``run_tool`` inside an
audited access and CALLS calls without one, interleaved, and prints the median time per
call of each and their ratio. Concurrent accesses share an append (``--concurrency``).
With ``--gap-ms`` the calls are spaced out, as an agent's are, and only the calls are
timed: a read's entry is appended after its answer, in the gap.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent_tools import Engine
from agent_tools.core.registry import OperationRegistry
from agent_tools.runtime.loading import load_operations
from agent_tools.surfaces.tool_catalog import TOOLS
from agent_tools.surfaces.tool_outcome import ToolSuccess, run_tool

ROUNDS = 5
GET_PROGRESS = next(spec for spec in TOOLS if spec.name == "get_progress")


async def _calls(
    engine: Engine, operation_id: str, calls: int, audited: bool, width: int, gap_s: float
) -> float:
    arguments = {"operation_id": operation_id}

    async def one() -> None:
        if audited:
            async with engine.audit_trail.access("bench", "tool.get_progress"):
                outcome = await run_tool(GET_PROGRESS, engine, arguments)
        else:
            outcome = await run_tool(GET_PROGRESS, engine, arguments)
        assert isinstance(outcome, ToolSuccess), outcome

    spent = 0.0
    for _ in range(calls // width):
        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(width)))
        spent += time.perf_counter() - started
        if gap_s:
            await asyncio.sleep(gap_s)
    return spent / calls


async def main(store: str, calls: int, width: int, gap_s: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db" if store == "sqlite" else "memory://"
        registry = load_operations([], OperationRegistry())
        async with Engine.from_url(url, registry=registry) as engine:
            view = await engine.execute_incrementally("agent_task", {"goal": "bench"})
            plain, audited = [], []
            for _ in range(ROUNDS):
                plain.append(await _calls(engine, view.operation_id, calls, False, width, gap_s))
                audited.append(await _calls(engine, view.operation_id, calls, True, width, gap_s))
    without, with_audit = statistics.median(plain), statistics.median(audited)
    print(
        f"store {store}, {width} concurrent: get_progress {without * 1e6:.0f} µs without, "
        f"{with_audit * 1e6:.0f} µs audited ({with_audit / without:.2f}x)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", choices=("sqlite", "memory"), default="sqlite")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--gap-ms", type=float, default=0)
    options = parser.parse_args()
    asyncio.run(main(options.store, options.calls, options.concurrency, options.gap_ms / 1000))
