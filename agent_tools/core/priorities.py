"""Priorities of background operations: higher ones run first, and waiting raises a priority.

A priority is an integer from ``MIN_PRIORITY`` to ``MAX_PRIORITY`` (higher runs
first). So that a steady stream of urgent work cannot starve the rest, a waiting
operation gains one level for every ``aging_s`` seconds it has waited (aging).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from agent_tools.core.errors import InvalidInputError

MIN_PRIORITY = 0
MAX_PRIORITY = 9
"""The range every broker supports (RabbitMQ's x-max-priority, Redis's priority lists)."""
DEFAULT_PRIORITY = 0
DEFAULT_AGING_S = 60.0


def check_priority(priority: int) -> int:
    """``priority`` if it is in range, else :class:`InvalidInputError` with the range."""
    if not MIN_PRIORITY <= priority <= MAX_PRIORITY:
        raise InvalidInputError(
            f"priority must be between {MIN_PRIORITY} and {MAX_PRIORITY}, got {priority}.",
            f"Pass an integer from {MIN_PRIORITY} (the default) to {MAX_PRIORITY} (most urgent).",
        )
    return priority


def aged_priority(priority: int, waited_s: float, aging_s: float) -> float:
    """The priority of an operation that has waited ``waited_s``: one level up per ``aging_s``.

    Not capped at ``MAX_PRIORITY``: an operation that waited long enough overtakes
    even the most urgent newcomer.
    """
    if aging_s <= 0 or math.isinf(aging_s):
        return float(priority)
    return priority + max(0.0, waited_s) / aging_s


def broker_priority(priority: float, *, lower_is_first: bool) -> int:
    """A message priority in the broker's range and order (Redis lists run 0 first)."""
    level = max(MIN_PRIORITY, min(MAX_PRIORITY, int(priority)))
    return MAX_PRIORITY - level if lower_is_first else level


@dataclass
class _Waiting:
    enqueued_at: float
    sequence: int
    operation_id: str
    priority: int


class WaitingLine:
    """Operations waiting for a slot; :meth:`pop` takes the highest aged priority, then FIFO."""

    def __init__(self, aging_s: float = DEFAULT_AGING_S) -> None:
        self._aging_s = aging_s
        self._waiting: dict[str, _Waiting] = {}
        self._sequence = 0

    def __len__(self) -> int:
        return len(self._waiting)

    def __contains__(self, operation_id: object) -> bool:
        return operation_id in self._waiting

    def add(self, operation_id: str, priority: int, now: float) -> None:
        """Queue ``operation_id`` (once: a second add keeps its place and raises its priority)."""
        known = self._waiting.get(operation_id)
        if known is not None:
            known.priority = max(known.priority, priority)
            return
        self._sequence += 1
        self._waiting[operation_id] = _Waiting(now, self._sequence, operation_id, priority)

    def pop(self, now: float) -> str | None:
        """The operation to run next, removed from the line; None when nobody waits."""
        if not self._waiting:
            return None
        chosen = max(
            self._waiting.values(),
            key=lambda entry: (
                aged_priority(entry.priority, now - entry.enqueued_at, self._aging_s),
                -entry.enqueued_at,
                -entry.sequence,
            ),
        )
        del self._waiting[chosen.operation_id]
        return chosen.operation_id
