"""data_processing killed with SIGKILL mid-file, then resumed in a new process."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent_tools.builtin.data_processing import data_processing
from agent_tools.core.policy import ExecutionPolicy
from tests.builtin.crash_data_driver import crash_input
from tests.builtin.helpers import run_all
from tests.builtin.test_data_processing import sales_rows, write_jsonl

PROJECT = Path(__file__).resolve().parents[2]


def start_driver(database: Path, root: Path, source: Path, output: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.builtin.crash_data_driver",
            str(database),
            str(root),
            str(source),
            str(output),
        ],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition: object, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(2))
def test_a_run_killed_mid_file_finishes_with_the_uninterrupted_output(
    tmp_path: Path, root: Path, trial: int
) -> None:
    source = write_jsonl(root / "sales.jsonl", sales_rows(20_000))
    output = root / "out.csv"
    database = tmp_path / "ops.db"

    first = start_driver(database, root, source, output)
    wait_until(lambda: output.exists() and output.stat().st_size > 0, timeout_s=60)
    time.sleep(random.Random(trial).uniform(0.0, 0.3))
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    written_before_resume = output.stat().st_size

    second = start_driver(database, root, source, output)
    stdout, stderr = second.communicate(timeout=240)
    assert second.returncode == 0, stderr
    result = json.loads(stdout.strip().splitlines()[-1])

    direct_output = root / "direct.csv"
    direct = asyncio.run(
        run_all(
            data_processing,
            crash_input(str(source), str(direct_output)),
            ExecutionPolicy(roots=(root,)),
            chunk_size=50,
        )
    )
    assert written_before_resume < direct_output.stat().st_size
    assert output.read_bytes() == direct_output.read_bytes()
    assert result == {**direct.result, "output_path": str(output)}
