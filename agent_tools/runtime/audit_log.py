"""Reading, checking and purging a store's audit log (``agent-tools audit``).

Verification walks the chain page by page from the genesis value, or from the
signed checkpoint of the last purge once its signature has checked. A purge
first verifies what it removes, so a signed checkpoint never vouches for an
entry that had already been tampered with.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from agent_tools.core.audit import (
    GENESIS,
    AuditCheckpoint,
    AuditEntry,
    AuditQuery,
    ChainProblem,
    ChainReport,
    ChainVerifier,
    DetailValue,
)
from agent_tools.core.errors import AgentToolsError, InvalidInputError
from agent_tools.core.principals import Principal, authorize
from agent_tools.runtime.audit_signing import AuditKeyError, signature_holds, signed
from agent_tools.runtime.audit_trail import record_removal
from agent_tools.stores.base import Store

PAGE = 1000


class AuditChainBrokenError(AgentToolsError):
    code = "audit_chain_broken"

    def __init__(self, problem: ChainProblem) -> None:
        super().__init__(
            f"The audit log is broken at entry {problem.seq} ({problem.kind}: {problem.reason}); "
            "nothing was purged.",
            "Run `agent-tools audit verify` and investigate before purging: a purge would "
            "hide the damage behind a signed checkpoint.",
            seq=problem.seq,
            kind=problem.kind,
        )


async def verify(store: Store, public_key: Ed25519PublicKey | None) -> ChainReport:
    """Check the whole chain; after a purge, from its checkpoint, once its signature holds."""
    bounds = await store.audit_bounds()
    start = GENESIS
    if bounds.checkpoint is not None:
        if public_key is None:
            raise AuditKeyError("public key")
        if not signature_holds(bounds.checkpoint, public_key):
            problem = ChainProblem(
                bounds.checkpoint.seq, "forged", "the purge checkpoint's signature does not hold"
            )
            return ChainReport(count=0, head=bounds.checkpoint.head, problem=problem)
        start = bounds.checkpoint.head
    verifier = ChainVerifier(start)
    after = start.seq
    while verifier.problem is None:
        entries = await store.read_audit(AuditQuery(after_seq=after, limit=PAGE))
        verifier.add(entries)
        if len(entries) < PAGE:
            break
        after = entries[-1].seq
    return verifier.finish(bounds.head)


async def entries(
    store: Store, operation_id: str | None, after_seq: int = 0, limit: int = PAGE
) -> list[AuditEntry]:
    """Up to ``limit`` entries after ``after_seq``, of one operation or all."""
    if limit < 1:
        raise InvalidInputError(f"limit must be at least 1, got {limit}.", "Omit --limit.")
    query = AuditQuery(operation_id=operation_id, after_seq=after_seq, limit=limit)
    return await store.read_audit(query)


@dataclass(frozen=True)
class AuditPurge:
    """What a purge removed and the checkpoint it left (None when nothing was old enough)."""

    removed: int
    checkpoint: AuditCheckpoint | None


async def purge(
    store: Store,
    by: Principal,
    key: Ed25519PrivateKey,
    *,
    before_seq: int | None = None,
    before_at: float | None = None,
) -> AuditPurge:
    """Remove the entries before ``before_seq`` (or written before ``before_at``), signed.

    The chain is verified first; the checkpoint (the seq and hash of the last
    entry removed) is signed with ``key``; one entry records who purged how much.
    """
    authorize(by, "purge")
    if (before_seq is None) == (before_at is None):
        raise InvalidInputError(
            "Give exactly one of --before SEQ and --older-than DURATION.",
            "For example `audit purge --older-than 90d`.",
        )
    report = await verify(store, key.public_key())
    if report.problem is not None:
        raise AuditChainBrokenError(report.problem)
    last = await _last_removed(store, report, before_seq, before_at)
    if last is None:
        return AuditPurge(removed=0, checkpoint=None)
    checkpoint = signed(AuditCheckpoint(seq=last.seq, hash=last.hash, at=time.time()), key)
    removed = await store.purge_audit(checkpoint)
    detail: dict[str, DetailValue] = {"removed": removed, "through_seq": checkpoint.seq}
    await record_removal(store, by.name, "audit.purge", detail)
    return AuditPurge(removed=removed, checkpoint=checkpoint)


async def _last_removed(
    store: Store, report: ChainReport, before_seq: int | None, before_at: float | None
) -> AuditEntry | None:
    """The newest entry the purge removes: below ``before_seq``, or older than ``before_at``.

    By age, the removed entries are the leading run written before ``before_at``.
    """
    bounds = await store.audit_bounds()
    start = 0 if bounds.checkpoint is None else bounds.checkpoint.seq
    if before_seq is not None:
        through = min(before_seq - 1, report.head.seq)
        if through <= start:
            return None
        found = await store.read_audit(AuditQuery(after_seq=through - 1, limit=1))
        return found[0]
    last: AuditEntry | None = None
    after = start
    while True:
        page = await store.read_audit(AuditQuery(after_seq=after, limit=PAGE))
        for entry in page:
            if before_at is None or entry.record.at >= before_at:
                return last
            last = entry
        if len(page) < PAGE:
            return last
        after = page[-1].seq
