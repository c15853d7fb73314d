"""What a result cap costs per chunk: the same one-item-per-chunk run uncapped, capped, folded.

Run: .venv/bin/python benchmarks/capped_results.py
On a SQLite file (the embedded default), so the trims' store calls are in the figure;
each mode runs ROUNDS times interleaved, and the median time per chunk is compared
with the uncapped run. The types are the engine tests' (``tests/fixtures/capped_ops.py``).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent_tools import Engine, Settings
from benchmarks.per_chunk import print_per_chunk
from tests.fixtures.capped_ops import CAP, registry

CHUNKS = 3000
ROUNDS = 3
MODES = ("uncapped", "capped", "folded")
"""``uncapped`` has a fold but no cap, so it never trims: the baseline."""


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
    figures: dict[str, list[float]] = {name: [] for name in MODES}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(ROUNDS):
            for name, values in figures.items():
                values.append(await seconds_per_chunk(Path(folder), name, round_))
    print(f"{CHUNKS} chunks of one item, cap {CAP}, SQLite, median of {ROUNDS} rounds")
    print_per_chunk(figures, "uncapped")


if __name__ == "__main__":
    asyncio.run(main())
