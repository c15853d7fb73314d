"""Kill the MCP server mid-operation, start it again, and resume where it stopped.

    python examples/mcp_kill_and_resume.py

The server runs over streamable HTTP with a SQLite store. The first server is
killed with SIGKILL while a call is running; a second server on the same store
picks the operation up from its last checkpoint, and no result item is lost or
repeated.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import anyio
from mcp import Client

HERE = Path(__file__).resolve().parent
URL_PATTERN = re.compile(r"serving MCP at (\S+)")


def start_server(store_path: Path) -> tuple[subprocess.Popen[str], str]:
    """Start ``agent-tools serve --http`` on a free port and return it with its URL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent_tools.surfaces.cli",
            "serve",
            "--http",
            "--no-auth",
            "--port",
            "0",
            "--store",
            f"sqlite:///{store_path}",
            "--ops",
            str(HERE / "mcp_example_ops.py"),
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={"AGENT_TOOLS_INLINE_LEASE_GRACE_S": "1", **os.environ},
    )
    assert process.stderr is not None
    for line in process.stderr:
        match = URL_PATTERN.search(line)
        if match:
            # Keep reading so a chatty server never blocks on a full pipe.
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, match.group(1)
    raise SystemExit("the server did not start")


async def structured(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    if result.is_error:
        raise SystemExit(result.content[0].text)
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "operations.db"
        first, url = start_server(store)
        print(f"server 1 (pid {first.pid}) at {url}")
        halfway = anyio.Event()

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            print(f"    progress {progress:.0f}/{total:.0f} {message or ''}")
            if total and progress >= total / 3:
                halfway.set()

        async def keep_calling(client: Client) -> None:
            """Start the operation, then resume it call after call until the server dies."""
            tool, arguments = (
                "execute_incrementally",
                {
                    "operation_type": "prime_count",
                    "operation_id": "primes-below-3m",
                    "input": {"limit": 3_000_000, "block_size": 100_000},
                    "budget_ms": 3000,
                },
            )
            while True:
                await client.call_tool(tool, arguments, progress_callback=on_progress)
                tool, arguments = "resume", {"operation_id": "primes-below-3m", "budget_ms": 3000}

        async with Client(url) as client, anyio.create_task_group() as group:
            group.start_soon(keep_calling, client)
            await halfway.wait()
            first.send_signal(signal.SIGKILL)
            first.wait()
            print("server 1 killed with SIGKILL in the middle of a call")
            group.cancel_scope.cancel()

        second, url = start_server(store)
        print(f"server 2 (pid {second.pid}) at {url}")
        try:
            async with Client(url) as client:
                view = await structured(client, "get_progress", operation_id="primes-below-3m")
                print(f"after the crash: {view['progress']['current_step']} blocks committed")
                items: list[dict[str, Any]] = []
                cursor = None
                while view["status"] != "completed" or view["has_more"]:
                    tool = "resume" if view["status"] != "completed" else "get_results"
                    view = await structured(
                        client, tool, operation_id="primes-below-3m", cursor=cursor
                    )
                    items += view["items"]
                    cursor = view["next_cursor"]
                    print(view["next_step"])
                blocks = [item["output"]["from"] for item in items]
                assert blocks == sorted(set(blocks)), "an item was repeated or out of order"
                print(f"{len(items)} blocks, none repeated; result: {view['result']}")
        finally:
            second.terminate()
            second.wait()


if __name__ == "__main__":
    asyncio.run(main())
