"""The audit record of each operation transition, built the same way by every store.

A store writes these in the transaction of the transition itself: the creation,
every status change (with who made it), answers, and a lease taken over from
another holder. A checkpoint that keeps the status has no record: it is no
transition, and the per-chunk path pays nothing for the audit log.
"""

from __future__ import annotations

from agent_tools.core.audit import SYSTEM_PRINCIPAL, AuditRecord
from agent_tools.core.records import (
    Checkpoint,
    InputRoundChange,
    OperationRecord,
    StatusChange,
)


def created_audit(record: OperationRecord) -> AuditRecord:
    """``operation.created``, by the owner the operation was created for."""
    return AuditRecord(
        at=record.created_at,
        principal=record.owner or SYSTEM_PRINCIPAL,
        action="operation.created",
        operation_id=record.operation_id,
        detail={
            "type": record.operation_type,
            "version": record.type_version,
            "mode": record.settings.mode,
            "status": record.status.value,
        },
    )


def checkpoint_audit(checkpoint: Checkpoint) -> AuditRecord | None:
    """The record of a commit that moves the status (completes, fails, asks); else None."""
    if checkpoint.status is checkpoint.expected_status:
        return None
    kind = checkpoint.event.kind
    action = "input_requested" if kind == "input_requested" else checkpoint.status.value
    return AuditRecord(
        at=checkpoint.event.at,
        principal=checkpoint.actor,
        action=f"operation.{action}",
        outcome="ok" if checkpoint.error is None else checkpoint.error.code,
        operation_id=checkpoint.operation_id,
        detail={"to": checkpoint.status.value, "from": checkpoint.expected_status.value},
    )


def status_audit(change: StatusChange, at: float) -> AuditRecord:
    """The record of a status change made without the lease (pause, resume, cancel, ...).

    ``from`` is the status the change expected (any of them, ``|``-joined).
    """
    previous = "|".join(sorted(status.value for status in change.expected))
    action = "resumed" if change.event.kind == "resumed" else change.status.value
    return AuditRecord(
        at=at,
        principal=change.actor,
        action=f"operation.{action}",
        outcome="ok" if change.error is None else change.error.code,
        operation_id=change.operation_id,
        detail={"to": change.status.value, "from": previous},
    )


def answer_audit(change: InputRoundChange, at: float) -> AuditRecord:
    """``operation.input_answered``: how many questions are still open, never the answers."""
    return AuditRecord(
        at=at,
        principal=change.actor,
        action="operation.input_answered",
        operation_id=change.operation_id,
        detail={
            "status": change.status.value,
            "open_questions": len(change.input_round.outstanding),
        },
    )


def takeover_audit(operation_id: str, previous_holder: str, holder: str, at: float) -> AuditRecord:
    """``operation.lease_takeover``: the engine took a lease another holder left behind."""
    return AuditRecord(
        at=at,
        principal=SYSTEM_PRINCIPAL,
        action="operation.lease_takeover",
        operation_id=operation_id,
        detail={"from_holder": previous_holder[:200], "to_holder": holder[:200]},
    )
