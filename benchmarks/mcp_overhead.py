"""MCP overhead: what a tool call costs over stdio and HTTP, and how late calls return.

    .venv/bin/python benchmarks/mcp_overhead.py [--calls 300]

1. ``get_progress`` against the ``empty`` tool of the SDK's own ``MCPServer``
   (``benchmarks/sdk_server.py``) on the same transport, stdio and streamable HTTP,
   calls interleaved: the ratio is what agent-tools adds to the cheapest call the SDK
   answers (issue 11.6 aims at <= 1.2x). Our own server's ``empty`` tool (no engine
   work, no store read) is measured beside them, splitting the cost between our MCP
   layer and the engine with its store read.
2. ``execute_incrementally`` deadline overshoot as the client sees it: wall time of
   the call minus ``budget_ms``, for short chunks and for a chunk longer than the
   whole budget.

The server is the one ``agent-tools serve`` runs (``serve_stdio`` / ``serve_http``)
with one extra tool, ``empty``, that only this benchmark registers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent_tools import ChunkProgress, ChunkResult, OperationRegistry, ProgressUpdate, operation
from agent_tools.surfaces.tool_catalog import TOOLS, ToolCall, ToolSpec

registry = OperationRegistry()
URL_PATTERN = re.compile(r"serving MCP at (\S+)")
SDK_SERVER = Path(__file__).resolve().parent / "sdk_server.py"
SDK_START_DEADLINE_S = 120.0


class SleepyInput(BaseModel):
    chunks: int = 1000
    chunk_ms: float = 20


@operation(name="sleepy", input_model=SleepyInput, register=False)
async def sleepy(task: SleepyInput, state: Any, progress: ChunkProgress, index: int) -> ChunkResult:
    """Sleep ``chunk_ms`` per chunk: a stand-in for I/O-bound work of known length."""
    await asyncio.sleep(task.chunk_ms / 1000)
    done = (state or 0) + 1
    return ChunkResult(
        output={"chunk": done},
        next_state=done,
        progress_update=ProgressUpdate(advance=1),
        completed=done >= task.chunks,
    )


registry.register(sleepy)


class EmptyArguments(BaseModel):
    pass


class EmptyResult(BaseModel):
    ok: bool


async def _nothing(call: ToolCall[EmptyArguments]) -> EmptyResult:
    return EmptyResult(ok=True)


EMPTY_TOOL = ToolSpec(
    "empty", "Does nothing; benchmark baseline.", EmptyArguments, EmptyResult, _nothing
)
"""A catalog tool that does nothing: the floor other tool calls are measured against."""


def serve(transport: str, store_url: str) -> None:
    """Run the benchmark server (this file, re-executed as a subprocess)."""
    from agent_tools.settings import Settings
    from agent_tools.surfaces.mcp.transports import serve_http, serve_stdio

    settings = Settings.load({"store": store_url, "ops": [__file__], "port": 0, "no_auth": True})
    tools = [*TOOLS, EMPTY_TOOL]
    if transport == "stdio":
        asyncio.run(serve_stdio(settings, tools))
    else:
        asyncio.run(
            serve_http(
                settings,
                tools,
                on_listening=lambda url: print(
                    f"serving MCP at {url}", file=sys.stderr, flush=True
                ),
            )
        )


def server_command(transport: str, store_url: str) -> list[str]:
    return [sys.executable, __file__, "--serve", transport, "--store", store_url]


def start_http(store_url: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(server_command("http", store_url), stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        match = URL_PATTERN.search(line)
        if match:
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, match.group(1)
    raise SystemExit("benchmark server did not start")


def milliseconds(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    return f"median {statistics.median(ordered) * 1000:7.2f} ms  p90 {p90 * 1000:7.2f} ms"


async def timed_call(client: Any, tool: str, arguments: dict[str, Any]) -> float:
    began = time.perf_counter()
    result = await client.call_tool(tool, arguments)
    elapsed = time.perf_counter() - began
    if result.is_error:
        raise SystemExit(result.content[0].text)
    return elapsed


async def measure(client: Any, sdk_client: Any, transport: str, calls: int) -> None:
    started = await client.call_tool(
        "execute_incrementally", {"operation_type": "sleepy", "input": {}, "budget_ms": 0}
    )
    operation_id = started.structured_content["operation_id"]
    sdk_empty: list[float] = []
    empty: list[float] = []
    progress: list[float] = []
    for round_index in range(20 + calls):  # the first 20 warm up
        samples = (
            await timed_call(sdk_client, "empty", {}),
            await timed_call(client, "empty", {}),
            await timed_call(client, "get_progress", {"operation_id": operation_id}),
        )
        if round_index >= 20:
            for series, sample in zip((sdk_empty, empty, progress), samples, strict=True):
                series.append(sample)
    floor = statistics.median(sdk_empty)
    print(f"[{transport}] MCPServer empty  {milliseconds(sdk_empty)}")
    print(
        f"[{transport}] agent-tools empty {milliseconds(empty)}"
        f"  ratio {statistics.median(empty) / floor:.2f}x MCPServer empty"
    )
    print(
        f"[{transport}] get_progress      {milliseconds(progress)}"
        f"  ratio {statistics.median(progress) / floor:.2f}x MCPServer empty"
    )


async def measure_overshoot(client: Any, transport: str) -> None:
    for label, chunk_ms, budget_ms in [
        ("20 ms chunks, budget 250 ms", 20, 250),
        ("20 ms chunks, budget 1000 ms", 20, 1000),
        ("3000 ms chunk, budget 500 ms", 3000, 500),
    ]:
        overshoot: list[float] = []
        for _ in range(5):
            elapsed = await timed_call(
                client,
                "execute_incrementally",
                {
                    "operation_type": "sleepy",
                    "input": {"chunks": 1000, "chunk_ms": chunk_ms},
                    "budget_ms": budget_ms,
                },
            )
            overshoot.append(elapsed - budget_ms / 1000)
        median_ms = statistics.median(overshoot) * 1000
        print(
            f"[{transport}] overshoot {label:30s} median {median_ms:6.1f} ms"
            f"  max {max(overshoot) * 1000:6.1f} ms"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_sdk_http() -> tuple[subprocess.Popen[bytes], str]:
    """The SDK baseline over HTTP; returns once its port accepts connections."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(SDK_SERVER), "http", str(port)], stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + SDK_START_DEADLINE_S
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}/mcp"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("SDK baseline server did not start")


async def run(calls: int, overshoot: bool) -> None:
    from mcp import Client, StdioServerParameters

    with tempfile.TemporaryDirectory() as folder:
        store_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        command = server_command("stdio", store_url)
        parameters = StdioServerParameters(
            command=command[0], args=command[1:], env=dict(os.environ)
        )
        sdk_parameters = StdioServerParameters(
            command=sys.executable, args=[str(SDK_SERVER), "stdio"], env=dict(os.environ)
        )
        async with Client(parameters) as client, Client(sdk_parameters) as sdk_client:
            await measure(client, sdk_client, "stdio", calls)
            if overshoot:
                await measure_overshoot(client, "stdio")
        process, url = start_http(store_url)
        sdk_process, sdk_url = start_sdk_http()
        try:
            async with Client(url) as client, Client(sdk_url) as sdk_client:
                await measure(client, sdk_client, "http", calls)
                if overshoot:
                    await measure_overshoot(client, "http")
        finally:
            for each in (process, sdk_process):
                each.terminate()
                each.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--no-overshoot", action="store_true", help="measure the call costs only")
    parser.add_argument("--serve", choices=["stdio", "http"], help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve, arguments.store)
    else:
        asyncio.run(run(arguments.calls, not arguments.no_overshoot))


if __name__ == "__main__":
    main()
