"""A server stand-in: starts background operations on the fleet, one per line printed.

Usage: python -m tests.fleet.starter STORE BROKER LOG_DIR COUNT
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.fleet.harness import dispatching_engine_without_cleanup

CHUNKS = 6


async def main(store: str, broker: str, log_dir: str, count: int) -> None:
    async with dispatching_engine_without_cleanup(store, broker) as engine:
        for _ in range(count):
            view = await engine.execute_incrementally(
                "fleet_count",
                {"total": CHUNKS, "chunk_ms": 60, "log_dir": log_dir},
                mode="background",
                budget_ms=0,
            )
            print(view.operation_id, flush=True)
            await asyncio.sleep(0.05)
        await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], str(Path(sys.argv[3])), int(sys.argv[4])))
