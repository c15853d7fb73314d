"""Format a tool's outcome as an MCP ``CallToolResult``: structured content plus text."""

from __future__ import annotations

import json
from typing import Any

from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel

from agent_tools.core.errors import AgentToolsError
from agent_tools.surfaces.mcp.summaries import summarize
from agent_tools.surfaces.tool_outcome import ToolOutcome, ToolSuccess


def tool_result(outcome: ToolOutcome[Any]) -> CallToolResult:
    """The ``CallToolResult`` of a catalog tool's outcome, success or error."""
    if isinstance(outcome, ToolSuccess):
        return success_result(outcome.result)
    return error_body_result(outcome.body)


def success_result(result: BaseModel) -> CallToolResult:
    """Structured content for clients that read it, the same as JSON text for those that do not.

    The first text block is a short summary; the second carries every field, so
    an agent whose client shows only text still gets the items and cursors.
    """
    structured = result.model_dump(mode="json")
    return CallToolResult(
        content=[
            TextContent(type="text", text=summarize(result)),
            TextContent(type="text", text=json.dumps(structured, separators=(",", ":"))),
        ],
        structured_content=structured,
    )


def error_result(error: AgentToolsError) -> CallToolResult:
    """An ``isError`` result whose text carries code, message and hint."""
    return error_body_result(error.as_dict())


def error_body_result(body: dict[str, Any]) -> CallToolResult:
    """An ``isError`` result for an error body ``{"code", "message", "hint", ...}``.

    The result has no structured content: a tool's output schema describes its
    success value, and the TypeScript SDK client checks any structured content
    against it even when ``isError`` is set, so an error body there would turn
    the agent's error into a client-side failure. The protocol (2025-11-25 and
    2026-07-28) reports tool errors as content with ``isError``. The first text
    block reads as one line; the second is the body as JSON, for programs.
    """
    line = f"[{body['code']}] {body['message']} Hint: {body['hint']}"
    return CallToolResult(
        content=[
            TextContent(type="text", text=line),
            TextContent(type="text", text=json.dumps({"error": body}, separators=(",", ":"))),
        ],
        is_error=True,
    )
