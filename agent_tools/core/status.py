"""The operation status machine and its legal transitions."""

from __future__ import annotations

from enum import StrEnum

from agent_tools.core.errors import IllegalTransitionError


class OperationStatus(StrEnum):
    """Where an operation is in its life."""

    PENDING = "pending"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        """True once the operation can never run again."""
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset(
    {OperationStatus.COMPLETED, OperationStatus.FAILED, OperationStatus.CANCELLED}
)

LEGAL_TRANSITIONS: dict[OperationStatus, frozenset[OperationStatus]] = {
    OperationStatus.PENDING: frozenset(
        {OperationStatus.RUNNING, OperationStatus.PAUSED, OperationStatus.CANCELLED}
    ),
    OperationStatus.RUNNING: frozenset(
        {
            OperationStatus.PAUSED,
            OperationStatus.COMPLETED,
            OperationStatus.FAILED,
            OperationStatus.CANCELLED,
        }
    ),
    OperationStatus.PAUSED: frozenset(
        {
            OperationStatus.RUNNING,
            OperationStatus.COMPLETED,
            OperationStatus.FAILED,
            OperationStatus.CANCELLED,
        }
    ),
    OperationStatus.COMPLETED: frozenset(),
    OperationStatus.FAILED: frozenset(),
    OperationStatus.CANCELLED: frozenset(),
}


def can_transition(current: OperationStatus, target: OperationStatus) -> bool:
    """Whether moving from ``current`` to ``target`` is allowed."""
    return target in LEGAL_TRANSITIONS[current]


def sources_for(target: OperationStatus) -> frozenset[OperationStatus]:
    """Every status from which ``target`` can be reached."""
    return frozenset(s for s, targets in LEGAL_TRANSITIONS.items() if target in targets)


def check_transition(operation_id: str, current: OperationStatus, target: OperationStatus) -> None:
    """Raise :class:`IllegalTransitionError` unless the move is legal."""
    if not can_transition(current, target):
        raise IllegalTransitionError(operation_id, current.value, target.value)
