"""Turn a tool's outcome into an MCP ``CallToolResult``: structured content plus text."""

from __future__ import annotations

import json
import logging

from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel

from agent_tools.core.errors import AgentToolsError
from agent_tools.surfaces.mcp.summaries import summarize

logger = logging.getLogger(__name__)


class InternalToolError(AgentToolsError):
    """A tool failed for a reason the agent cannot fix; the details are in the server log."""

    code = "internal_error"

    def __init__(self, tool_name: str, error: BaseException) -> None:
        super().__init__(
            f"The {tool_name} tool failed unexpectedly ({type(error).__name__}).",
            "Retry the call; every committed checkpoint is safe. If it keeps failing, "
            "report it with the server log.",
            tool=tool_name,
        )


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
    """An ``isError`` result whose text and structured content carry code, message and hint."""
    body = error.as_dict()
    return CallToolResult(
        content=[TextContent(type="text", text=str(error))],
        structured_content={"error": body},
        is_error=True,
    )
