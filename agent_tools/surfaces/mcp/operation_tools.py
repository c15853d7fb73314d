"""Operation types as MCP tools of their own: opt-in per type and with a server flag.

A type with ``expose_as_tool=True`` becomes a tool named after it, taking the
type's input as its arguments. Called without the tasks extension, the tool does
what ``execute_incrementally`` does for that type (it runs through that catalog
tool): it works for one budget and returns the operation's view, with the final
result as the first text block once the operation has completed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mcp_types import CallToolResult, TextContent

from agent_tools.core.definitions import OperationType
from agent_tools.core.status import OperationStatus
from agent_tools.core.views import OperationView
from agent_tools.runtime.engine import Engine, OnProgress
from agent_tools.surfaces.mcp.results import success_result, tool_result
from agent_tools.surfaces.mcp.tool_listing import operation_tool
from agent_tools.surfaces.tool_catalog import EXECUTE_INCREMENTALLY, starting_arguments
from agent_tools.surfaces.tool_outcome import ToolOutcome, ToolSuccess, run_tool


def exposed_types(engine: Engine) -> list[OperationType]:
    """The registered types that asked to be tools (latest version of each)."""
    return [
        definition
        for definition in engine.registry.all_latest()
        if definition.expose_as_tool and not definition.agent_driven
    ]


class OperationTools:
    """``tools/list`` entries and synchronous ``tools/call`` for the exposed operation types."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._types = {definition.name: definition for definition in exposed_types(engine)}
        self.tools = [operation_tool(definition) for definition in self._types.values()]

    def get(self, name: str) -> OperationType | None:
        """The exposed type behind tool ``name``, or None when ``name`` is not one."""
        return self._types.get(name)

    async def start(
        self,
        name: str,
        arguments: Mapping[str, Any],
        *,
        on_progress: OnProgress | None = None,
        **options: Any,
    ) -> ToolOutcome[OperationView]:
        """Start (or continue) the type behind tool ``name`` through ``execute_incrementally``."""
        return await run_tool(
            EXECUTE_INCREMENTALLY,
            self._engine,
            starting_arguments(name, arguments, **options),
            on_progress=on_progress,
            called_as=name,
        )

    async def call(
        self, name: str, arguments: Mapping[str, Any], on_progress: OnProgress | None
    ) -> CallToolResult:
        """Run the type for one budget, inline, exactly as execute_incrementally would.

        Refusals and failures come back as ``isError`` results, as for every tool.
        """
        outcome = await self.start(name, arguments, on_progress=on_progress)
        if isinstance(outcome, ToolSuccess):
            return operation_result(outcome.result)
        return tool_result(outcome)


def operation_result(view: OperationView) -> CallToolResult:
    """The tool result for an operation: its final result first once completed, then the view."""
    result = success_result(view)
    if view.status is OperationStatus.COMPLETED:
        text = view.result if isinstance(view.result, str) else json.dumps(view.result)
        result.content.insert(0, TextContent(type="text", text=text))
    return result
