"""SqliteStore.commit_checkpoint against the raw aiosqlite and sqlite3 commit floors.

Run: .venv/bin/python benchmarks/store_checkpoint.py [steps]
Each row commits a ~200-byte state, one result item (and, for the store, an
audit event) per step in WAL mode with the same ``synchronous``. Ratios are
against (b), the aiosqlite floor measured in the same run; each figure is the
best of three interleaved rounds so one noisy moment on a shared machine does
not decide it. Below 1.0x the store is faster than the floor.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent_tools.stores.sqlite import SqliteStore
from benchmarks.checkpoint_loop import checkpoints_per_second
from benchmarks.floors import aiosqlite_floor, sqlite3_floor

ROUNDS = 3
STEPS = {"NORMAL": 3000, "FULL": 600}


async def measure(folder: Path, synchronous: str, steps: int) -> dict[str, float]:
    """Best checkpoints per second of each contender over interleaved rounds."""
    best = {"store": 0.0, "aiosqlite": 0.0, "sqlite3": 0.0}
    for round_number in range(ROUNDS):
        round_folder = folder / f"{synchronous}-{round_number}"
        round_folder.mkdir()
        store = SqliteStore(f"sqlite:///{round_folder / 'store.db'}?synchronous={synchronous}")
        best["store"] = max(best["store"], await checkpoints_per_second(store, steps))
        best["aiosqlite"] = max(
            best["aiosqlite"], await aiosqlite_floor(round_folder, steps, synchronous)
        )
        best["sqlite3"] = max(best["sqlite3"], sqlite3_floor(round_folder, steps, synchronous))
    return best


async def main() -> None:
    scale = int(sys.argv[1]) / STEPS["NORMAL"] if len(sys.argv) > 1 else 1.0
    labels = {
        "store": "(a) SqliteStore.commit_checkpoint",
        "aiosqlite": "(b) aiosqlite floor, 4 awaited statements",
        "sqlite3": "(c) sqlite3 floor, no thread hop",
    }
    print(f"{'synchronous':11} {'contender':44} {'commits/s':>10} {'µs/commit':>10} {'vs (b)':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for synchronous, steps in STEPS.items():
            rates = await measure(Path(folder), synchronous, max(50, int(steps * scale)))
            for key, label in labels.items():
                rate = rates[key]
                ratio = rates["aiosqlite"] / rate
                print(f"{synchronous:11} {label:44} {rate:10.0f} {1e6 / rate:10.1f} {ratio:6.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
