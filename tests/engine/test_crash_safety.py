"""kill -9 at random moments loses no committed chunk and re-runs at most one."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.crash_ops import value_of

TRIALS = 20
TOTAL_CHUNKS = 30
CHUNK_MS = 8.0
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def start_driver(db: Path, log: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fixtures.crash_driver",
            str(db),
            str(log),
            str(TOTAL_CHUNKS),
            str(CHUNK_MS),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "started"
    return process


def committed_items(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [
            (seq, output)
            for seq, output in connection.execute(
                "SELECT seq, output FROM items ORDER BY seq"
            ).fetchall()
        ]


def expected_items() -> list[dict[str, object]]:
    return [{"n": n, "value": value_of(n)} for n in range(1, TOTAL_CHUNKS + 1)]


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(TRIALS))
def test_kill_at_a_random_moment_loses_no_committed_chunk(tmp_path: Path, trial: int) -> None:
    import json

    rng = random.Random(trial)
    db, log = tmp_path / "ops.db", tmp_path / "executions.log"
    victim = start_driver(db, log)
    time.sleep(rng.uniform(0.0, TOTAL_CHUNKS * CHUNK_MS / 1000 * 0.9))
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()

    before = committed_items(db)
    survivor = start_driver(db, log)
    assert survivor.stdout is not None
    assert survivor.stdout.readline().strip() == "completed"
    assert survivor.wait(timeout=30) == 0

    after = committed_items(db)
    assert after[: len(before)] == before, "a committed chunk was lost or rewritten"
    assert [json.loads(output) for _, output in after] == expected_items()
    assert [seq for seq, _ in after] == list(range(1, TOTAL_CHUNKS + 1))
    executions = [int(line) for line in log.read_text().split()]
    assert sorted(set(executions)) == list(range(TOTAL_CHUNKS))
    assert len(executions) - TOTAL_CHUNKS <= 1, "more than one chunk ran again after one kill"
