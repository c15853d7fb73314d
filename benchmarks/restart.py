"""Restart after a crash: how soon a new stdio server works on the orphaned operation.

    .venv/bin/python benchmarks/restart.py [--rounds 3]

A stdio ``agent-tools serve`` (default settings: budget 4 s, inline lease grace 5 s) is
SIGKILLed in the middle of an ``execute_incrementally`` call, as a desktop client's
server dies. A new server is spawned on the same SQLite file, as the client restarts
it, and calls ``resume`` at once. Printed per round: spawn -> ``initialize`` answered,
spawn -> the first progress notification of a new chunk, and whether that first
``resume`` made progress. Without the take-over of a provably dead holder the new
server would wait out the dead one's lease, about 9 s after the kill.

Each round also spawns the SDK's own ``MCPServer`` (``benchmarks/sdk_server.py``) to
its ``initialize`` answer: the start-up floor on this machine at that moment, so the
time our server adds after it is shown beside the absolute figures.
"""

from __future__ import annotations

import argparse
import json
import queue
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.startup import initialize_s, sdk_server_command

REPOSITORY = Path(__file__).resolve().parents[1]
OPS = str(REPOSITORY / "tests" / "fixtures" / "mcp_ops.py")
DEADLINE_S = 60.0
TARGET_S = 1.0
SERVE = (sys.executable, "-m", "agent_tools.surfaces.cli", "serve")


class RawStdioServer:
    """``agent-tools serve`` over stdio, spoken to line by line with JSON-RPC."""

    def __init__(self, store_url: str) -> None:
        self.spawned_at = time.monotonic()
        self.process = subprocess.Popen(
            [*SERVE, "--store", store_url, "--ops", OPS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.messages: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.messages.put((time.monotonic(), json.loads(line)))

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"jsonrpc": "2.0", **message}) + "\n")
        self.process.stdin.flush()

    def next_message(self) -> tuple[float, dict[str, Any]]:
        return self.messages.get(timeout=DEADLINE_S)

    def initialize(self) -> float:
        """Seconds from spawn to the answer of ``initialize``."""
        self.send(
            {
                "id": 0,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-11-25",
                    "capabilities": {},
                    "clientInfo": {"name": "restart-benchmark", "version": "1"},
                },
            }
        )
        while True:
            at, message = self.next_message()
            if message.get("id") == 0:
                self.send({"method": "notifications/initialized"})
                return at - self.spawned_at

    def call(self, request_id: int, tool: str, arguments: dict[str, Any]) -> None:
        self.send(
            {
                "id": request_id,
                "method": "tools/call",
                "params": {
                    "name": tool,
                    "arguments": arguments,
                    "_meta": {"progressToken": f"p{request_id}"},
                },
            }
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def one_round(folder: Path, round_number: int) -> tuple[float, float, bool, float]:
    store_url = f"sqlite:///{folder / f'restart-{round_number}.db'}"
    operation_id = f"orphan-{round_number}"
    first = RawStdioServer(store_url)
    first.initialize()
    first.call(
        1,
        "execute_incrementally",
        {
            "operation_type": "counter",
            "operation_id": operation_id,
            "input": {"total_items": 2000, "chunk_delay_ms": 20},
        },
    )
    while True:
        _, message = first.next_message()
        if message.get("method") == "notifications/progress" and message["params"]["progress"] >= 5:
            break
    first.kill()

    second = RawStdioServer(store_url)
    initialized_s = second.initialize()
    second.call(1, "get_progress", {"operation_id": operation_id})
    second.call(2, "resume", {"operation_id": operation_id})
    before: float | None = None
    first_chunk_s: float | None = None
    progressed = False
    while True:
        at, message = second.next_message()
        if message.get("id") == 1:
            before = message["result"]["structuredContent"]["progress"]["current_step"]
        elif message.get("method") == "notifications/progress" and first_chunk_s is None:
            first_chunk_s = at - second.spawned_at
        elif message.get("id") == 2:
            assert before is not None
            after = message["result"]["structuredContent"]["progress"]["current_step"]
            progressed = after > before
            break
    second.stop()
    chunk_s = first_chunk_s if first_chunk_s is not None else float("inf")
    return initialized_s, chunk_s, progressed, initialize_s(sdk_server_command())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for number in range(rounds):
            initialized_s, first_chunk_s, progressed, floor_s = one_round(Path(folder), number)
            results.append((initialized_s, first_chunk_s, progressed, floor_s))
            print(
                f"round {number + 1}: initialize answered {initialized_s:.2f} s after spawn, "
                f"first new chunk {first_chunk_s:.2f} s after spawn, "
                f"first resume made progress: {progressed}; "
                f"SDK MCPServer initialize {floor_s:.2f} s after spawn"
            )
    chunk_median = statistics.median(result[1] for result in results)
    floor_median = statistics.median(result[3] for result in results)
    print(
        f"median spawn -> first new chunk: {chunk_median:.2f} s "
        f"({chunk_median / TARGET_S:.2f}x the {TARGET_S:.0f} s target); "
        f"median spawn -> initialize: {statistics.median(r[0] for r in results):.2f} s; "
        f"every first resume progressed: {all(result[2] for result in results)}"
    )
    print(
        f"median SDK MCPServer spawn -> initialize: {floor_median:.2f} s; first new chunk "
        f"{(chunk_median - floor_median) * 1000:.0f} ms after that floor"
    )


if __name__ == "__main__":
    main()
