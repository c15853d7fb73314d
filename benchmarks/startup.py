"""Start-up: spawn of ``agent-tools serve`` over stdio until its ``initialize`` answer arrives.

    .venv/bin/python benchmarks/startup.py [--runs 7]

Prints the median and the spread of the server's start-up, and beside it, measured
in the same run, the time for a bare ``python -c "import mcp"`` (the floor set by the
SDK's own imports) and the ratio between them. Issue 11.3 aims at <= 0.6 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "startup-benchmark", "version": "1"},
    },
}


def server_start_s(store: Path) -> float:
    """Seconds from spawn to the first line of the ``initialize`` answer."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent_tools.surfaces.cli",
            "serve",
            "--store",
            f"sqlite:///{store}",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write((json.dumps(INITIALIZE) + "\n").encode())
    process.stdin.flush()
    answer = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.kill()
    process.wait()
    assert b'"result"' in answer, answer
    return elapsed


def sdk_import_s() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import mcp.server.stdio"], check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as directory:
        store = Path(directory) / "operations.db"
        server = [server_start_s(store) for _ in range(runs)]
    floor = [sdk_import_s() for _ in range(runs)]
    server_median, floor_median = statistics.median(server), statistics.median(floor)
    print(
        f"serve (stdio) spawn -> initialize: median {server_median:.3f} s"
        f" (min {min(server):.3f}, max {max(server):.3f}, {runs} runs)"
    )
    print(f"python -c 'import mcp.server.stdio': median {floor_median:.3f} s")
    print(f"ratio serve / SDK import floor: {server_median / floor_median:.2f}x")


if __name__ == "__main__":
    main()
