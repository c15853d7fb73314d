"""The rules of ``core`` rendered as SQL conditions, so no store spells them out again."""

from __future__ import annotations

from collections.abc import Iterable

from agent_tools.core.lease_rules import RECOVERABLE_MODE, RECOVERABLE_STATUSES
from agent_tools.core.status import TERMINAL_STATUSES, OperationStatus


def _literals(statuses: Iterable[OperationStatus]) -> str:
    # Literals, not parameters: they are our own enum values, and fixed.
    return ", ".join(f"'{status.value}'" for status in sorted(statuses))


def status_in(statuses: Iterable[OperationStatus]) -> str:
    """``status IN (...)`` over fixed statuses."""
    return f"status IN ({_literals(statuses)})"


NOT_TERMINAL = f"status NOT IN ({_literals(TERMINAL_STATUSES)})"


def lease_not_live(now: str) -> str:
    """No lease, or one that ended by the placeholder ``now``."""
    return f"(lease_expires_at IS NULL OR lease_expires_at <= {now})"


def acquirable(holder: str, now: str, dead_holder: str) -> str:
    """The rule of :func:`agent_tools.core.lease_rules.can_acquire`, over placeholders."""
    return (
        f"{NOT_TERMINAL} AND (lease_holder IS NULL OR lease_holder IN ({holder}, {dead_holder}) "
        f"OR lease_expires_at <= {now})"
    )


def recoverable(now: str) -> str:
    """The rule of :func:`agent_tools.core.lease_rules.is_recoverable`, over a placeholder."""
    return (
        f"mode = '{RECOVERABLE_MODE}' AND {status_in(RECOVERABLE_STATUSES)} "
        f"AND {lease_not_live(now)}"
    )
