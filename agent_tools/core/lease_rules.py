"""When a lease may be taken and which operations wait to be recovered.

Every store applies these rules: the memory store calls the predicates, the
SQL and Redis stores render the same constants into SQL and Lua.
"""

from __future__ import annotations

from agent_tools.core.records import OperationRecord, RunMode
from agent_tools.core.status import OperationStatus

RECOVERABLE_STATUSES = frozenset({OperationStatus.PENDING, OperationStatus.RUNNING})
"""Statuses of an operation that should be making progress."""

RECOVERABLE_MODE: RunMode = "background"
"""Only background operations run without a caller, so only they are recovered."""


def lease_is_live(expires_at: float | None, now: float) -> bool:
    """Whether a lease ending at ``expires_at`` still holds at ``now``."""
    return expires_at is not None and expires_at > now


def can_acquire(
    record: OperationRecord, holder: str, now: float, dead_holder: str | None = None
) -> bool:
    """Whether ``holder`` may take the lease: not terminal, and free, own, dead or expired."""
    if record.status.is_terminal:
        return False
    return record.lease_holder in (None, holder, dead_holder) or not lease_is_live(
        record.lease_expires_at, now
    )


def is_recoverable(record: OperationRecord, now: float) -> bool:
    """Whether a worker should pick ``record`` up: background, should run, no live lease."""
    return (
        record.settings.mode == RECOVERABLE_MODE
        and record.status in RECOVERABLE_STATUSES
        and not lease_is_live(record.lease_expires_at, now)
    )


def recovery_order(record: OperationRecord) -> tuple[int, float]:
    """Sort key of recoverable operations: highest priority first, then oldest."""
    return (-record.priority, record.created_at)
