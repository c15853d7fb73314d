"""An operation as the tasks extension's wire shapes: CreateTaskResult and DetailedTask.

Statuses: pending, running and paused operations are ``working``, except one
waiting on answers to its questions, which is ``input_required`` with each
question as an ``elicitation/create`` form in ``inputRequests``. A failure the
tool reported (a chunk raised a deliberate error) is ``completed`` with an
``isError`` result; a crash of the tool or a timeout, where no tool result
exists, is ``failed`` with a JSON-RPC error object.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from mcp_types import (
    INTERNAL_ERROR,
    CallToolResult,
    ElicitRequest,
    ElicitRequestFormParams,
)

from agent_tools.core.definitions import OperationType
from agent_tools.core.input_requests import InputRequest
from agent_tools.core.status import OperationStatus
from agent_tools.core.views import OperationView
from agent_tools.surfaces.mcp.operation_tools import operation_result
from agent_tools.surfaces.mcp.results import error_body_result

POLL_INTERVAL_MS = 500
CRASH_CODES = frozenset({"operation_failed", "chunk_timeout"})
"""Error codes the engine records when a chunk crashed rather than reported an error."""

WORKING_STATUSES = {
    OperationStatus.PENDING: "working",
    OperationStatus.RUNNING: "working",
    OperationStatus.PAUSED: "working",
}


def ttl_ms(view: OperationView, definition: OperationType) -> int | None:
    """The task's time to live from its creation, or None when the type keeps it for good.

    The store keeps a finished operation for the type's retention after it
    finishes, so the ttl is the run so far plus the retention: it grows while the
    task works (the spec lets ``ttlMs`` change) and is fixed once it is terminal.
    """
    if definition.retention_s is None:
        return None
    created_s = _epoch_s(view.created_at)
    ended_s = _epoch_s(view.updated_at) if view.status.is_terminal else time.time()
    return round((max(0.0, ended_s - created_s) + definition.retention_s) * 1000)


def expired(view: OperationView, definition: OperationType) -> bool:
    """A terminal task past ``createdAt + ttlMs``: gone for clients; the store purges it soon."""
    kept_ms = ttl_ms(view, definition)
    if kept_ms is None or not view.status.is_terminal:
        return False
    return time.time() > _epoch_s(view.created_at) + kept_ms / 1000


def _epoch_s(iso_time: str) -> float:
    return datetime.fromisoformat(iso_time).timestamp()


def task_envelope(view: OperationView, definition: OperationType) -> dict[str, Any]:
    """The ``Task`` fields every task response carries."""
    envelope: dict[str, Any] = {
        "taskId": view.operation_id,
        "status": task_status(view),
        "createdAt": view.created_at,
        "lastUpdatedAt": view.updated_at,
        "ttlMs": ttl_ms(view, definition),
        "pollIntervalMs": POLL_INTERVAL_MS,
    }
    if view.input_requests:
        envelope["statusMessage"] = "Waiting for input: " + "; ".join(
            request.message for request in view.input_requests.values()
        )
    elif view.status is OperationStatus.PAUSED:
        envelope["statusMessage"] = f"Paused. {view.next_step}"
    elif view.progress.message or view.next_step:
        envelope["statusMessage"] = view.progress.message or view.next_step
    return envelope


def create_task_result(view: OperationView, definition: OperationType) -> dict[str, Any]:
    """The flat ``CreateTaskResult`` a task-creating ``tools/call`` returns."""
    return {"resultType": "task", **task_envelope(view, definition)}


def detailed_task(view: OperationView, definition: OperationType) -> dict[str, Any]:
    """``tasks/get``: the envelope, plus the inlined tool result or error once terminal."""
    detailed = task_envelope(view, definition)
    if view.input_requests:
        detailed["inputRequests"] = {
            key: _elicitation(request) for key, request in view.input_requests.items()
        }
    elif view.status is OperationStatus.COMPLETED:
        detailed["result"] = _dump(operation_result(view))
    elif view.status is OperationStatus.FAILED and not _crashed(view):
        detailed["result"] = _dump(_tool_error_result(view))
    elif view.status is OperationStatus.FAILED:
        assert view.error is not None
        detailed["error"] = {
            "code": INTERNAL_ERROR,
            "message": view.error.message,
            "data": view.error.model_dump(),
        }
    return detailed


def task_status(view: OperationView) -> str:
    if view.input_requests:
        return "input_required"
    if view.status in WORKING_STATUSES:
        return WORKING_STATUSES[view.status]
    if view.status is OperationStatus.FAILED and not _crashed(view):
        return "completed"
    return view.status.value


def _elicitation(request: InputRequest) -> dict[str, Any]:
    form = ElicitRequestFormParams(
        message=request.message, requested_schema=dict(request.requested_schema)
    )
    return ElicitRequest(params=form).model_dump(mode="json", by_alias=True, exclude_none=True)


def _crashed(view: OperationView) -> bool:
    return view.error is None or view.error.code in CRASH_CODES


def _tool_error_result(view: OperationView) -> CallToolResult:
    assert view.error is not None
    return error_body_result(view.error.model_dump())


def _dump(result: CallToolResult) -> dict[str, Any]:
    return result.model_dump(mode="json", by_alias=True, exclude_none=True)
