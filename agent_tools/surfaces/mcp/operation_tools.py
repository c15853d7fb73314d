"""Operation types as MCP tools of their own: opt-in per type and with a server flag.

A type with ``expose_as_tool=True`` becomes a tool named after it, taking the
type's input as its arguments. Called without the tasks extension, the tool does
what ``execute_incrementally`` does for that type: it works for one budget and
returns the operation's view, with the final result as the first text block once
the operation has completed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from mcp_types import CallToolResult, TextContent, Tool, ToolExecution

from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import AgentToolsError
from agent_tools.core.status import OperationStatus
from agent_tools.core.views import OperationView
from agent_tools.runtime.engine import Engine, OnProgress
from agent_tools.surfaces.mcp.results import InternalToolError, error_result, success_result

logger = logging.getLogger(__name__)


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
        self.tools = [_describe(definition) for definition in self._types.values()]

    def get(self, name: str) -> OperationType | None:
        """The exposed type behind tool ``name``, or None when ``name`` is not one."""
        return self._types.get(name)

    async def call(
        self, name: str, arguments: Mapping[str, Any] | None, on_progress: OnProgress | None
    ) -> CallToolResult:
        """Run the type for one budget, inline, exactly as execute_incrementally would.

        Refusals and failures come back as ``isError`` results, as for every tool.
        """
        try:
            view = await self._engine.execute_incrementally(
                name, dict(arguments or {}), on_progress=on_progress
            )
        except AgentToolsError as error:
            logger.info("tool %s refused: %s", name, error.code)
            return error_result(error)
        except Exception as error:
            logger.exception("tool %s failed", name)
            return error_result(InternalToolError(name, error))
        return operation_result(view)


def operation_result(view: OperationView) -> CallToolResult:
    """The tool result for an operation: its final result first once completed, then the view."""
    result = success_result(view)
    if view.status is OperationStatus.COMPLETED:
        text = view.result if isinstance(view.result, str) else json.dumps(view.result)
        result.content.insert(0, TextContent(type="text", text=text))
    return result


def _describe(definition: OperationType) -> Tool:
    return Tool(
        name=definition.name,
        description=definition.description
        or f"Run the {definition.name} operation in budgeted, checkpointed slices.",
        input_schema=definition.input_schema(),
        output_schema=OperationView.model_json_schema(),
        execution=ToolExecution(task_support=definition.task_support),
    )
