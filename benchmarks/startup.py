"""Start-up: spawn of ``agent-tools serve`` over stdio until its ``initialize`` answer arrives.

    .venv/bin/python benchmarks/startup.py [--runs 7]

Prints the median and the spread of the server's start-up and, measured in the same
run and interleaved with it, the start-up of the SDK's own ``MCPServer`` with one empty
tool (``benchmarks/sdk_server.py``: the floor any server on the SDK pays) and of a bare
``python -c "import mcp.server.stdio"``, with the ratios. Issue 11.3 aims at <= 0.6 s.
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


SDK_SERVER = Path(__file__).resolve().parent / "sdk_server.py"


def serve_command(store: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "agent_tools.surfaces.cli",
        "serve",
        "--store",
        f"sqlite:///{store}",
    ]


def sdk_server_command() -> list[str]:
    return [sys.executable, str(SDK_SERVER), "stdio"]


def initialize_s(command: list[str]) -> float:
    """Seconds from spawn to the first line of the ``initialize`` answer."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
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


def median_line(name: str, samples: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(samples):.3f} s"
        f" (min {min(samples):.3f}, max {max(samples):.3f}, {len(samples)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    server: list[float] = []
    sdk_server: list[float] = []
    floor: list[float] = []
    with tempfile.TemporaryDirectory() as directory:
        store = Path(directory) / "operations.db"
        for _ in range(runs):  # interleaved, so machine load weighs on all three alike
            server.append(initialize_s(serve_command(store)))
            sdk_server.append(initialize_s(sdk_server_command()))
            floor.append(sdk_import_s())
    ours, sdk = statistics.median(server), statistics.median(sdk_server)
    print(median_line("agent-tools serve (stdio) spawn -> initialize", server))
    print(median_line("SDK MCPServer, one empty tool (stdio) spawn -> initialize", sdk_server))
    print(median_line("python -c 'import mcp.server.stdio'", floor))
    print(f"ratio serve / SDK server: {ours / sdk:.2f}x (+{(ours - sdk) * 1000:.0f} ms)")
    print(f"ratio serve / SDK import: {ours / statistics.median(floor):.2f}x")


if __name__ == "__main__":
    main()
