"""Which ended operations a purge on request removes (``agent-tools ops purge``).

Only ended operations (completed, failed, cancelled) are ever purged on request:
a live one is still some caller's work. Erasing a principal (every status) is
:meth:`~agent_tools.stores.base.Store.erase_owner`, not a purge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel

from agent_tools.core.errors import InvalidInputError
from agent_tools.core.records import OperationRecord
from agent_tools.core.status import TERMINAL_STATUSES, OperationStatus

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_ENDED_NAMES = ", ".join(sorted(status.value for status in TERMINAL_STATUSES))


class PurgeFilter(BaseModel):
    """Ended operations to remove: of these statuses, last changed before ``ended_before``."""

    statuses: frozenset[OperationStatus] = TERMINAL_STATUSES
    ended_before: float | None = None
    """Epoch seconds; an operation's ``updated_at`` is when it ended. None: any age."""

    def matches(self, record: OperationRecord) -> bool:
        """Whether ``record`` is ended, of one of the statuses, and old enough."""
        return (
            record.status in self.statuses
            and record.status in TERMINAL_STATUSES
            and (self.ended_before is None or record.updated_at < self.ended_before)
        )


def parse_duration(text: str) -> float:
    """Seconds in ``30s``, ``15m``, ``12h``, ``7d`` or ``2w``; InvalidInputError otherwise."""
    found = _DURATION.match(text)
    if found is None:
        raise InvalidInputError(
            f"{text!r} is not a duration.",
            "Write a number and a unit: 30s, 15m, 12h, 7d or 2w.",
            duration=text,
        )
    return float(found.group(1)) * _UNIT_SECONDS[found.group(2)]


def purge_filter(statuses: Iterable[str], older_than: str | None, now: float) -> PurgeFilter:
    """The filter for ``statuses`` (all ended ones when empty) and ``older_than`` a duration.

    A status that is not an ended one is refused with a hint: purging never
    removes live work (cancel it first, or erase its owner).
    """
    chosen: set[OperationStatus] = set()
    for name in statuses:
        try:
            status = OperationStatus(name)
        except ValueError:
            status = None
        if status is None or status not in TERMINAL_STATUSES:
            raise InvalidInputError(
                f"{name!r} is not a status that can be purged.",
                f"Only ended operations are purged; use one of: {_ENDED_NAMES}. "
                "Cancel a live operation first if it must go.",
                status=name,
            )
        chosen.add(status)
    ended_before = None if older_than is None else now - parse_duration(older_than)
    return PurgeFilter(statuses=frozenset(chosen) or TERMINAL_STATUSES, ended_before=ended_before)
