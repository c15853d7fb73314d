"""``agent-tools serve --traces console`` (stdio) prints its spans to stderr."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.mcp.conftest import serve_arguments, server_environment


async def test_console_traces_reach_stderr_with_the_operation(tmp_path: Path) -> None:
    parameters = StdioServerParameters(
        command=sys.executable,
        args=serve_arguments(f"sqlite:///{tmp_path / 'ops.db'}", "--traces", "console"),
        env=server_environment(),
        cwd=str(tmp_path),
    )
    errors = tmp_path / "server.err"
    with errors.open("w") as errlog:
        async with Client(stdio_client(parameters, errlog=errlog)) as client:
            result = await client.call_tool(
                "execute_incrementally",
                {"operation_type": "counter", "input": {"total_items": 3}, "budget_ms": 20_000},
            )
    assert result.structured_content is not None
    operation_id = result.structured_content["operation_id"]
    text = errors.read_text()
    # ConsoleSpanExporter writes one indented JSON object per span.
    spans = [json.loads(chunk) for chunk in _json_objects(text)]
    names = {span["name"] for span in spans}
    assert {"agent_tools.tool execute_incrementally", "agent_tools.slice"} <= names
    assert "agent_tools.chunk" in names and "agent_tools.checkpoint" in names
    slice_span = next(span for span in spans if span["name"] == "agent_tools.slice")
    assert slice_span["attributes"]["agent_tools.operation.id"] == operation_id


def _json_objects(text: str) -> list[str]:
    """The top-level ``{...}`` blocks of ``text`` (the exporter's output among log lines)."""
    blocks, depth, start = [], 0, 0
    for index, character in enumerate(text):
        if character == "{":
            if depth == 0:
                start = index
            depth += 1
        elif character == "}" and depth:
            depth -= 1
            if depth == 0:
                blocks.append(text[start : index + 1])
    return blocks
