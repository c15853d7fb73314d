"""The MCP face of the tool catalog: list the tools, validate a call, run it, shape the result."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp_types import (
    CallToolRequestParams,
    CallToolResult,
    ListToolsResult,
    PaginatedRequestParams,
    Tool,
)
from pydantic import ValidationError

from agent_tools.core.errors import AgentToolsError
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.operation_tools import OperationTools
from agent_tools.surfaces.mcp.progress import progress_reporter
from agent_tools.surfaces.mcp.result_memo import ResultMemo
from agent_tools.surfaces.mcp.results import InternalToolError, error_result
from agent_tools.surfaces.tool_catalog import ToolSpec, catalog_schema, invalid_arguments

logger = logging.getLogger(__name__)


class UnknownToolError(AgentToolsError):
    code = "unknown_tool"

    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(f"No tool named {name!r}.", f"Use one of: {', '.join(known)}.", tool=name)


class CatalogTools:
    """Serves ``tools/list`` and ``tools/call`` from the shared catalog definitions.

    With ``operation_tools``, the exposed operation types are listed too; their calls
    are served by the tasks extension's interceptor, which wraps this handler.
    """

    def __init__(
        self,
        engine: Engine,
        definitions: Sequence[ToolSpec],
        operation_tools: OperationTools | None = None,
    ) -> None:
        self._engine = engine
        self._definitions = {definition.name: definition for definition in definitions}
        self._tools = [self._describe(definition) for definition in definitions]
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
            return error_result(UnknownToolError(params.name, known))
        try:
            arguments = definition.arguments_model.model_validate(params.arguments or {})
        except ValidationError as error:
            return error_result(invalid_arguments(params.name, error))
        try:
            result = await definition.invoke(
                self._engine, arguments, on_progress=progress_reporter(context)
            )
        except AgentToolsError as error:
            logger.info("tool %s refused: %s", params.name, error.code)
            return error_result(error)
        except Exception as error:
            logger.exception("tool %s failed", params.name)
            return error_result(InternalToolError(params.name, error))
        return self._results.success_result(result)

    def _describe(self, definition: ToolSpec) -> Tool:
        input_schema, description = catalog_schema(definition, self._engine.registry)
        return Tool(
            name=definition.name,
            description=description,
            input_schema=input_schema,
            output_schema=definition.result_model.model_json_schema(),
        )
