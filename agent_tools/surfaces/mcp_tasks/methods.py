"""The task request methods: ``tasks/get``, ``tasks/update`` and ``tasks/cancel``."""

from __future__ import annotations

import logging
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, RequestParams
from pydantic import ConfigDict, Field, JsonValue

from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import (
    IllegalTransitionError,
    InvalidInputError,
    OperationNotFoundError,
    UnknownOperationTypeError,
)
from agent_tools.core.views import OperationView
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp_tasks.negotiation import (
    check_routing_header,
    client_negotiated,
    missing_capability,
)
from agent_tools.surfaces.mcp_tasks.wire import detailed_task, expired

logger = logging.getLogger(__name__)


class TaskParams(RequestParams):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    task_id: str = Field(alias="taskId")


class UpdateTaskParams(TaskParams):
    input_responses: dict[str, JsonValue] = Field(default_factory=dict, alias="inputResponses")


class TaskMethods:
    """Handlers answering from the durable store through the engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def get(
        self, context: ServerRequestContext[Any, Any], params: TaskParams
    ) -> dict[str, Any]:
        """The task's state; the tool result or error inlined once it is terminal."""
        view, definition = await self._find(context, "tasks/get", params.task_id)
        return detailed_task(view, definition)

    async def update(
        self, context: ServerRequestContext[Any, Any], params: UpdateTaskParams
    ) -> dict[str, Any]:
        """Store the answers (durably, before the ack) and let the task go on once all are in.

        Answers to keys the task does not wait on are ignored, as the spec asks;
        malformed answers, or ones not matching their question's schema, are refused
        with -32602 and nothing is stored.
        """
        await self._find(context, "tasks/update", params.task_id)
        try:
            await self._engine.provide_input(
                params.task_id, params.input_responses, budget_ms=0, ignore_unknown=True
            )
        except InvalidInputError as error:
            raise MCPError(code=INVALID_PARAMS, message=str(error), data=error.as_dict()) from error
        return {}

    async def cancel(
        self, context: ServerRequestContext[Any, Any], params: TaskParams
    ) -> dict[str, Any]:
        """Cancel the operation; a task already finished is acknowledged the same way."""
        view, _ = await self._find(context, "tasks/cancel", params.task_id)
        if not view.status.is_terminal:
            try:
                await self._engine.cancel(params.task_id, reason="tasks/cancel")
            except IllegalTransitionError:
                logger.info("task %s finished before it could be cancelled", params.task_id)
        return {}

    async def _find(
        self, context: ServerRequestContext[Any, Any], method: str, task_id: str
    ) -> tuple[OperationView, OperationType]:
        """The operation behind ``task_id`` for a ``method`` request in ``context``.

        Refused first when the client did not negotiate the extension or the routing
        header names another task; -32602 when unknown or past its ``ttlMs``.
        """
        if not client_negotiated(context):
            raise missing_capability(method)
        check_routing_header(context, task_id)
        try:
            view = await self._engine.get_progress(task_id)
            definition = self._engine.registry.latest(view.operation_type)
        except (OperationNotFoundError, UnknownOperationTypeError) as error:
            raise _unknown_task(task_id) from error
        if expired(view, definition):
            raise _unknown_task(task_id)
        return view, definition


def _unknown_task(task_id: str) -> MCPError:
    return MCPError(
        code=INVALID_PARAMS, message=f"Unknown task {task_id!r}.", data={"taskId": task_id}
    )
