"""Reading back what the access audit recorded: the entries of surfaces, not of transitions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from agent_tools.core.audit import AuditQuery, AuditRecord
from agent_tools.runtime.store_access import Store

ACCESS_PREFIXES = ("tool.", "mcp.", "web.", "ops.", "http.")
"""Actions recorded by the surfaces; the stores' own transitions use other names."""
WAIT_S = 15.0

Seen = tuple[str, str, str | None, str]
"""(principal, action, operation_id, outcome) of one entry."""


async def accesses(store: Store) -> list[AuditRecord]:
    """Every access entry of ``store``'s audit log, oldest first."""
    records: list[AuditRecord] = []
    after = 0
    while True:
        page = await store.read_audit(AuditQuery(after_seq=after, limit=500))
        if not page:
            return [record for record in records if record.action.startswith(ACCESS_PREFIXES)]
        records.extend(entry.record for entry in page)
        after = page[-1].seq


def seen(records: Iterable[AuditRecord]) -> list[Seen]:
    return [(r.principal, r.action, r.operation_id, r.outcome) for r in records]


async def recorded(store: Store, *expected: Seen) -> list[AuditRecord]:
    """The access entries once each of ``expected`` is among them (some land after the answer).

    Fails after ``WAIT_S``; returns the entries matching ``expected``, in its order.
    """
    deadline = time.monotonic() + WAIT_S
    while True:
        records = await accesses(store)
        found = {seen([record])[0]: record for record in records}
        if all(each in found for each in expected):
            return [found[each] for each in expected]
        missing = [each for each in expected if each not in found]
        assert time.monotonic() < deadline, f"not recorded: {missing}\nrecorded: {seen(records)}"
        await asyncio.sleep(0.05)
