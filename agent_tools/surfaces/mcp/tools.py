"""The MCP face of the tool catalog: list the tools, run a call, format its outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp_types import (
    CallToolRequestParams,
    CallToolResult,
    ListToolsResult,
    PaginatedRequestParams,
)

from agent_tools.core.errors import UnknownNameError
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.operation_tools import OperationTools
from agent_tools.surfaces.mcp.progress import progress_reporter
from agent_tools.surfaces.mcp.result_memo import ResultMemo
from agent_tools.surfaces.mcp.results import tool_result
from agent_tools.surfaces.mcp.tool_listing import catalog_tool
from agent_tools.surfaces.tool_catalog import ToolSpec
from agent_tools.surfaces.tool_outcome import ToolSuccess, refused, run_tool


class UnknownToolError(UnknownNameError):
    code = "unknown_tool"
    kind = "tool"


class CatalogTools:
    """Serves ``tools/list`` and ``tools/call`` from the shared catalog definitions.

    With ``operation_tools``, the exposed operation types are listed too; their calls
    are served by the tasks extension's interceptor, which wraps this handler.
    """

    def __init__(
        self,
        engine: Engine,
        definitions: Sequence[ToolSpec[Any, Any]],
        operation_tools: OperationTools | None = None,
    ) -> None:
        self._engine = engine
        self._definitions = {definition.name: definition for definition in definitions}
        self._tools = [catalog_tool(definition, engine.registry) for definition in definitions]
        if operation_tools is not None:
            self._tools += operation_tools.tools
        self._input_schemas = {tool.name: tool.input_schema for tool in self._tools}
        self._results = ResultMemo()

    def input_schema(self, name: str) -> dict[str, Any] | None:
        """A tool's input schema, for the SDK's header validation on modern HTTP."""
        return self._input_schemas.get(name)

    async def list_tools(
        self, context: ServerRequestContext[Any, Any], params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        return ListToolsResult(tools=self._tools)

    async def call_tool(
        self, context: ServerRequestContext[Any, Any], params: CallToolRequestParams
    ) -> CallToolResult:
        definition = self._definitions.get(params.name)
        if definition is None:
            known = [tool.name for tool in self._tools]
            return tool_result(refused(params.name, UnknownToolError(params.name, known)))
        outcome = await run_tool(
            definition,
            self._engine,
            params.arguments or {},
            on_progress=progress_reporter(context),
        )
        if isinstance(outcome, ToolSuccess):
            return self._results.success_result(outcome.result)
        return tool_result(outcome)
