"""Helpers of the audit contract tests: records to append and a chain read back whole."""

from __future__ import annotations

import time

from agent_tools.core.audit import GENESIS, AuditQuery, AuditRecord, ChainReport, ChainVerifier
from agent_tools.stores.base import Store


def access(number: int, operation_id: str | None = "op-1", principal: str = "alice") -> AuditRecord:
    """A distinct record: ``number`` goes into its detail."""
    return AuditRecord(
        at=time.time(),
        principal=principal,
        action="get_progress",
        operation_id=operation_id,
        detail={"n": number, "flag": number % 2 == 0, "ratio": number / 3, "note": f"#{number}"},
    )


async def checked(store: Store, page: int = 7) -> ChainReport:
    """The store's chain checked from its start (or checkpoint), read ``page`` entries at a time."""
    bounds = await store.audit_bounds()
    start = GENESIS if bounds.checkpoint is None else bounds.checkpoint.head
    verifier = ChainVerifier(start)
    after = start.seq
    while True:
        entries = await store.read_audit(AuditQuery(after_seq=after, limit=page))
        verifier.add(entries)
        if len(entries) < page:
            return verifier.finish(bounds.head)
        after = entries[-1].seq
