"""Status changes made without the lease (pause, cancel, resume), checked against the machine."""

from __future__ import annotations

import time

from pydantic import JsonValue

from agent_tools.core.audit import SYSTEM_PRINCIPAL
from agent_tools.core.errors import OperationNotFoundError
from agent_tools.core.principals import current_principal
from agent_tools.core.records import ErrorInfo, Event, OperationRecord, StatusChange
from agent_tools.core.status import OperationStatus, check_transition
from agent_tools.stores.base import Store

CAS_ATTEMPTS = 5


async def change_status_or_explain(
    store: Store,
    record: OperationRecord,
    target: OperationStatus,
    event: Event,
    *,
    error: ErrorInfo | None = None,
    result: JsonValue = None,
    expires_at: float | None = None,
) -> OperationRecord:
    """Move ``record`` to ``target`` or raise :class:`IllegalTransitionError`.

    A compare-and-set on the status the caller saw; when another writer moved
    it meanwhile, the transition is checked again from the new status. The
    audit log names the calling principal as the one who made the change.
    """
    change = StatusChange(
        operation_id=record.operation_id,
        expected=frozenset({record.status}),
        status=target,
        event=event,
        error=error,
        result=result,
        expires_at=expires_at,
        actor=current_principal().name,
    )
    current = record
    for _ in range(CAS_ATTEMPTS):
        if current.status is target:
            return current
        check_transition(current.operation_id, current.status, target)
        changed = await store.change_status(change, time.time())
        if changed is not None:
            return changed
        current = await reread(store, current.operation_id)
        change = change.model_copy(update={"expected": frozenset({current.status})})
    check_transition(current.operation_id, current.status, target)
    return current


async def reread(store: Store, operation_id: str) -> OperationRecord:
    """The record as another writer left it, after a compare-and-set found it changed."""
    fresh = await store.get_operation(operation_id)
    if fresh is None:
        raise OperationNotFoundError(operation_id)
    return fresh


def to_running(record: OperationRecord) -> StatusChange:
    """The change a runner makes when it starts a pending or resting operation."""
    return StatusChange(
        operation_id=record.operation_id,
        expected=frozenset({OperationStatus.PENDING, OperationStatus.PAUSED}),
        status=OperationStatus.RUNNING,
        event=Event(kind="running", at=time.time()),
        actor=SYSTEM_PRINCIPAL,
    )


async def pause_status(store: Store, record: OperationRecord) -> OperationRecord:
    """Rest the operation at its checkpoint (its runner stops at the next boundary)."""
    return await change_status_or_explain(
        store, record, OperationStatus.PAUSED, Event(kind="paused", at=time.time())
    )


async def cancel_status(
    store: Store, record: OperationRecord, reason: str | None
) -> OperationRecord:
    """End the operation ``cancelled`` for good, due for purging after its retention."""
    retention = record.settings.retention_s
    return await change_status_or_explain(
        store,
        record,
        OperationStatus.CANCELLED,
        Event(kind="cancelled", at=time.time(), detail={"reason": reason}),
        error=ErrorInfo(
            code="cancelled",
            message=f"Cancelled: {reason or 'on request'}.",
            hint="Start a new operation with execute_incrementally if still needed.",
        ),
        expires_at=time.time() + retention if retention else None,
    )
