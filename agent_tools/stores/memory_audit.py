"""The audit chain of :class:`~agent_tools.stores.memory.MemoryStore`, in a list."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

from agent_tools.core.audit import (
    GENESIS,
    AuditBounds,
    AuditCheckpoint,
    AuditEntry,
    AuditHead,
    AuditQuery,
    AuditRecord,
    chain,
)


class MemoryAuditLog:
    """Entries oldest first; appends never await, so they are atomic on the event loop."""

    def __init__(self) -> None:
        self._entries: list[AuditEntry] = []
        self._bounds = AuditBounds(checkpoint=None, head=GENESIS)

    def append(self, records: Sequence[AuditRecord]) -> None:
        """Chain ``records`` after the head."""
        entries = chain(records, self._bounds.head)
        if entries:
            self._entries.extend(entries)
            last = entries[-1]
            self._bounds = AuditBounds(self._bounds.checkpoint, AuditHead(last.seq, last.hash))

    def read(self, query: AuditQuery) -> list[AuditEntry]:
        """A page of entries for ``query``."""
        first = bisect.bisect_right(self._entries, query.after_seq, key=lambda entry: entry.seq)
        matching = (entry for entry in self._entries[first:] if query.matches(entry))
        return list(itertools.islice(matching, query.limit))

    @property
    def bounds(self) -> AuditBounds:
        return self._bounds

    def purge(self, checkpoint: AuditCheckpoint) -> int:
        """Drop the entries up to ``checkpoint.seq`` and start the chain from ``checkpoint``."""
        kept = [entry for entry in self._entries if entry.seq > checkpoint.seq]
        removed = len(self._entries) - len(kept)
        self._entries = kept
        self._bounds = AuditBounds(checkpoint, self._bounds.head)
        return removed
