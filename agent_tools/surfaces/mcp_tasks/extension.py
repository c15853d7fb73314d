"""The tasks extension: its request methods and the ``tools/call`` interceptor creating tasks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.extension import Extension, MethodBinding
from mcp_types import CallToolRequestParams

from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.operation_tools import OperationTools
from agent_tools.surfaces.mcp.progress import progress_reporter
from agent_tools.surfaces.mcp.results import tool_result
from agent_tools.surfaces.mcp_tasks.methods import TaskMethods, TaskParams, UpdateTaskParams
from agent_tools.surfaces.mcp_tasks.missing_arguments import filled_arguments, question_for
from agent_tools.surfaces.mcp_tasks.negotiation import (
    EXTENSION_ID,
    client_negotiated,
    missing_capability,
)
from agent_tools.surfaces.mcp_tasks.wire import create_task_result
from agent_tools.surfaces.tool_outcome import ToolSuccess


class TasksExtension(Extension):
    """Task-supporting operation tools become durable background operations for clients
    that negotiated the extension; everyone else gets the synchronous tool."""

    identifier = EXTENSION_ID

    def __init__(self, engine: Engine, operation_tools: OperationTools) -> None:
        self._operation_tools = operation_tools
        self._methods = TaskMethods(engine)

    def methods(self) -> Sequence[MethodBinding]:
        return (
            MethodBinding("tasks/get", TaskParams, self._methods.get),
            MethodBinding("tasks/update", UpdateTaskParams, self._methods.update),
            MethodBinding("tasks/cancel", TaskParams, self._methods.cancel),
        )

    async def intercept_tool_call(
        self,
        params: CallToolRequestParams,
        ctx: ServerRequestContext[Any, Any],
        call_next: CallNext,
    ) -> HandlerResult:
        definition = self._operation_tools.get(params.name)
        if definition is None:
            return await call_next(ctx)
        negotiated = client_negotiated(ctx)
        if definition.task_support == "required" and not negotiated:
            raise missing_capability(f"The {params.name} tool")
        arguments = filled_arguments(definition, params.arguments or {}, params.input_responses)
        question = question_for(ctx, definition, arguments)
        if question is not None:
            return question
        if definition.task_support == "forbidden" or not negotiated:
            return await self._operation_tools.call(params.name, arguments, progress_reporter(ctx))
        outcome = await self._operation_tools.start(
            params.name, arguments, mode="background", budget_ms=0
        )
        if isinstance(outcome, ToolSuccess):
            return create_task_result(outcome.result, definition)
        return tool_result(outcome)
