"""``get_latest_results``: the app-only tool that reads the newest items of a result log.

``get_results`` pages forward from a cursor, which suits an agent reading
everything; the app shows only the last few items, however long the log is.
"""

from __future__ import annotations

from typing import Any

from mcp.server.context import ServerRequestContext
from mcp_types import CallToolRequestParams, CallToolResult, Tool
from pydantic import Field

from agent_tools.core.views import OperationView
from agent_tools.runtime.cursors import item_cursor
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.app.resource import APP_URI
from agent_tools.surfaces.mcp.results import tool_result
from agent_tools.surfaces.tool_arguments import ToolArguments
from agent_tools.surfaces.tool_catalog import ToolCall, ToolSpec
from agent_tools.surfaces.tool_outcome import run_tool

TOOL_NAME = "get_latest_results"
MAX_LATEST = 50


class LatestResultsArguments(ToolArguments):
    operation_id: str = Field(description="The operation whose newest items to read.")
    limit: int = Field(default=5, ge=1, le=MAX_LATEST, description="How many of the newest items.")


async def _latest(call: ToolCall[LatestResultsArguments]) -> OperationView:
    """Read the view, then the page that ends at its last item."""
    engine, arguments = call.engine, call.arguments
    progress = await engine.get_progress(arguments.operation_id)
    # Never from inside the dropped part of a capped log: these are the newest kept.
    start = max(progress.dropped_items, progress.items_total - arguments.limit)
    return await engine.get_results(
        arguments.operation_id, cursor=item_cursor(start), limit=arguments.limit
    )


LATEST_RESULTS = ToolSpec(
    name=TOOL_NAME,
    description="The operation's view with its newest result items (for the operation app).",
    arguments_model=LatestResultsArguments,
    result_model=OperationView,
    handler=_latest,
)

LATEST_RESULTS_TOOL = Tool(
    name=TOOL_NAME,
    description=LATEST_RESULTS.description,
    input_schema=LatestResultsArguments.model_json_schema(),
    output_schema=OperationView.model_json_schema(),
    meta={"ui": {"resourceUri": APP_URI, "visibility": ["app"]}},
)


async def latest_results(
    engine: Engine, context: ServerRequestContext[Any, Any], params: CallToolRequestParams
) -> CallToolResult:
    """The tool call, validated, run and formatted like every catalog tool's."""
    return tool_result(await run_tool(LATEST_RESULTS, engine, params.arguments or {}))
