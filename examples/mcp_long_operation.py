"""Run a long operation to completion over several MCP calls, printing progress.

    python examples/mcp_long_operation.py

It starts ``agent-tools serve`` over stdio (as Claude Desktop would), starts an
operation with a one-second budget per call, and follows ``next_step`` with
``resume`` until the operation completes. Progress notifications arrive while
each call runs.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters

HERE = Path(__file__).resolve().parent


def server(store_path: Path) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "agent_tools.surfaces.cli",
            "serve",
            "--store",
            f"sqlite:///{store_path}",
            "--ops",
            str(HERE / "mcp_example_ops.py"),
        ],
    )


async def on_progress(progress: float, total: float | None, message: str | None) -> None:
    of_total = f"/{total:.0f}" if total else ""
    print(f"    progress {progress:.0f}{of_total} {message or ''}")


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments, progress_callback=on_progress)
    if result.is_error:
        raise SystemExit(result.content[0].text)
    assert isinstance(result.structured_content, dict)
    print(result.content[0].text)
    return result.structured_content


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with Client(server(Path(folder) / "operations.db")) as client:
            view = await call(
                client,
                "execute_incrementally",
                operation_type="prime_count",
                input={"limit": 3_000_000, "block_size": 100_000},
                budget_ms=1000,
            )
            calls = 1
            while view["status"] not in ("completed", "failed", "cancelled"):
                view = await call(
                    client,
                    "resume",
                    operation_id=view["operation_id"],
                    cursor=view["next_cursor"],
                    budget_ms=1000,
                )
                calls += 1
            print(f"Done in {calls} calls: {view['result']}")


if __name__ == "__main__":
    asyncio.run(main())
