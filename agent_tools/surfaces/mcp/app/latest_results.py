"""``get_latest_results``: the app-only tool that reads the newest items of a result log.

``get_results`` pages forward from a cursor, which suits an agent reading
everything; the app shows only the last few items, however long the log is.
"""

from __future__ import annotations

import logging
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp_types import CallToolRequestParams, CallToolResult, Tool
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent_tools.core.errors import AgentToolsError, InvalidInputError, validation_problems
from agent_tools.core.views import OperationView
from agent_tools.runtime.cursors import item_cursor
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.app.resource import APP_URI
from agent_tools.surfaces.mcp.results import error_result, success_result
from agent_tools.surfaces.tool_outcome import InternalToolError

logger = logging.getLogger(__name__)

TOOL_NAME = "get_latest_results"
MAX_LATEST = 50


class LatestResultsArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")

    operation_id: str = Field(description="The operation whose newest items to read.")
    limit: int = Field(default=5, ge=1, le=MAX_LATEST, description="How many of the newest items.")


LATEST_RESULTS_TOOL = Tool(
    name=TOOL_NAME,
    description="The operation's view with its newest result items (for the operation app).",
    input_schema=LatestResultsArguments.model_json_schema(),
    output_schema=OperationView.model_json_schema(),
    meta={"ui": {"resourceUri": APP_URI, "visibility": ["app"]}},
)


async def latest_results(
    engine: Engine, context: ServerRequestContext[Any, Any], params: CallToolRequestParams
) -> CallToolResult:
    """Read the view, then the page that ends at its last item; errors are tool errors."""
    try:
        arguments = LatestResultsArguments.model_validate(params.arguments or {})
    except ValidationError as error:
        problems = validation_problems(error, whole="(arguments)")
        return error_result(
            InvalidInputError(
                f"Invalid arguments for {TOOL_NAME}: {'; '.join(problems)}.",
                f"Pass operation_id and a limit from 1 to {MAX_LATEST}.",
                problems=problems,
            )
        )
    try:
        progress = await engine.get_progress(arguments.operation_id)
        start = max(0, progress.items_total - arguments.limit)
        view = await engine.get_results(
            arguments.operation_id, cursor=item_cursor(start), limit=arguments.limit
        )
    except AgentToolsError as error:
        logger.info("tool %s refused: %s", TOOL_NAME, error.code)
        return error_result(error)
    except Exception as error:
        logger.exception("tool %s failed", TOOL_NAME)
        return error_result(InternalToolError(TOOL_NAME, error))
    return success_result(view)
