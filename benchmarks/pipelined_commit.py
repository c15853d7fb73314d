"""Would syncing a checkpoint on another thread, while the next chunk runs, pay at FULL?

Run: .venv/bin/python benchmarks/pipelined_commit.py

At ``synchronous=FULL`` every commit waits for one sync of the WAL, and the
engine's own Python per chunk comes on top of it. The idea measured here: run
a transaction's statements on the caller's thread (so a fence is known before
the next chunk starts), hand only its COMMIT to a second thread, and do the
next chunk's work while that thread waits for the disk. The ``busy`` rows
hold the GIL for as long as the engine's Python takes per chunk (about 60-90
µs here); the ``sleep`` rows are the control, a wait that lets the GIL go.
Each figure is the best of three interleaved rounds; the ratio is pipelined
over serial, so below 1.0x the overlap pays.
"""

from __future__ import annotations

import queue
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.floors import SCHEMA, STATE

STEPS = 600
ROUNDS = 3
WORK_US = (0, 60, 90)


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    for statement in SCHEMA:
        db.execute(statement)
    return db


def _busy(microseconds: float) -> None:
    """Python that holds the GIL, like the engine's own work per chunk."""
    until = time.perf_counter() + microseconds / 1e6
    while time.perf_counter() < until:
        pass


def _sleep(microseconds: float) -> None:
    """The control: a wait that lets the GIL go (and oversleeps by some tens of µs)."""
    if microseconds:
        time.sleep(microseconds / 1e6)


Work = Callable[[float], None]


def _statements(db: sqlite3.Connection, step: int) -> None:
    db.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE state SET body = ?, step = ? WHERE id = 1", (STATE, step))
    db.execute("INSERT INTO results VALUES (?, ?)", (step, '{"n": 1}'))


def serial(path: Path, work: Work, work_us: float) -> float:
    """µs per step: work, statements and COMMIT one after the other on one thread."""
    db = _open(path)
    started = time.perf_counter()
    for step in range(STEPS):
        work(work_us)
        _statements(db, step)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed / STEPS * 1e6


def pipelined(path: Path, work: Work, work_us: float) -> float:
    """µs per step: the COMMIT syncs on a second thread while the next step's work runs."""
    db = _open(path)
    commits: queue.Queue[bool] = queue.Queue()
    committed = threading.Semaphore(1)

    def committer() -> None:
        while commits.get():
            db.execute("COMMIT")
            committed.release()

    thread = threading.Thread(target=committer)
    thread.start()
    started = time.perf_counter()
    for step in range(STEPS):
        work(work_us)
        committed.acquire()
        _statements(db, step)
        commits.put(True)
    committed.acquire()
    elapsed = time.perf_counter() - started
    commits.put(False)
    thread.join()
    db.close()
    return elapsed / STEPS * 1e6


def best_of_rounds(folder: Path, work: Work, work_us: float) -> tuple[float, float]:
    """The best serial and pipelined figures, the two taking turns round by round."""
    figures: dict[str, list[float]] = {"serial": [], "pipelined": []}
    runs: dict[str, Callable[[Path, Work, float], float]] = {
        "serial": serial,
        "pipelined": pipelined,
    }
    for round_number in range(ROUNDS):
        for name, run in runs.items():
            path = folder / f"{name}-{work.__name__}-{work_us}-{round_number}.db"
            figures[name].append(run(path, work, work_us))
    return min(figures["serial"]), min(figures["pipelined"])


def main() -> None:
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parents[1]) as name:
        folder = Path(name)
        print("synchronous=FULL, µs per step, best of 3; pipelined / serial")
        print(f"{'work per chunk':>22} {'serial':>9} {'pipelined':>10} {'ratio':>7}")
        for work in (_busy, _sleep):
            for work_us in WORK_US:
                alone, overlapped = best_of_rounds(folder, work, work_us)
                label = f"{work.__name__.strip('_')} {work_us} µs"
                ratio = overlapped / alone
                print(f"{label:>22} {alone:>9.1f} {overlapped:>10.1f} {ratio:>6.2f}x")


if __name__ == "__main__":
    main()
