"""The audit chain as plans for both SQL stores: one table of entries, one row for the head."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from agent_tools.core.audit import (
    AuditBounds,
    AuditCheckpoint,
    AuditEntry,
    AuditHead,
    AuditQuery,
    AuditRecord,
    chain,
)
from agent_tools.stores.sql.plan import Query, Steps, plan

_ENTRY_COLUMNS = "seq, at, principal, action, outcome, operation_id, detail, prev_hash, hash"


def append_steps(records: Sequence[AuditRecord]) -> Steps[None]:
    """Chain ``records`` after the head, inside the caller's transaction.

    The no-op UPDATE takes the head row's lock first (PostgreSQL; SQLite's writer
    already holds the file), so concurrent appenders queue and each sees the
    head the one before it left.
    """
    if not records:
        return
    row = yield Query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash", (), "row")
    entries = chain(records, AuditHead(int(row[0]), row[1]))
    yield Query(
        f"INSERT INTO audit_log ({_ENTRY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [_row(entry) for entry in entries],
        "batch",
    )
    last = entries[-1]
    yield Query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", (last.seq, last.hash))


@plan("atomic")
def append_audit(records: Sequence[AuditRecord]) -> Steps[None]:
    """Chain ``records`` after the head in one transaction."""
    yield from append_steps(records)


@plan("read")
def read_audit(query: AuditQuery) -> Steps[list[AuditEntry]]:
    """A page of entries after ``query.after_seq``, oldest first."""
    parameters: list[Any] = [query.after_seq]
    where = "seq > $1"
    if query.operation_id is not None:
        parameters.append(query.operation_id)
        where += " AND operation_id = $2"
    parameters.append(query.limit)
    rows = yield Query(
        f"SELECT {_ENTRY_COLUMNS} FROM audit_log WHERE {where} "
        f"ORDER BY seq LIMIT ${len(parameters)}",
        parameters,
        "rows",
    )
    return [_entry(row) for row in rows]


@plan("read")
def audit_bounds() -> Steps[AuditBounds]:
    """The head and the checkpoint of the last purge."""
    row = yield Query(
        "SELECT seq, hash, checkpoint_seq, checkpoint_hash, checkpoint_at, checkpoint_signature "
        "FROM audit_head WHERE id = 1",
        (),
        "row",
    )
    checkpoint = None
    if row[2] is not None:
        checkpoint = AuditCheckpoint(seq=int(row[2]), hash=row[3], at=row[4], signature=row[5])
    return AuditBounds(checkpoint=checkpoint, head=AuditHead(int(row[0]), row[1]))


@plan("atomic")
def purge_audit(checkpoint: AuditCheckpoint) -> Steps[int]:
    """Delete entries up to ``checkpoint.seq`` and keep the checkpoint, together."""
    removed = yield Query(
        "DELETE FROM audit_log WHERE seq <= $1 RETURNING seq", (checkpoint.seq,), "rows"
    )
    yield Query(
        "UPDATE audit_head SET checkpoint_seq = $1, checkpoint_hash = $2, checkpoint_at = $3, "
        "checkpoint_signature = $4 WHERE id = 1",
        (checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.signature),
    )
    return len(removed)


def _row(entry: AuditEntry) -> tuple[Any, ...]:
    record = entry.record
    return (
        entry.seq,
        record.at,
        record.principal,
        record.action,
        record.outcome,
        record.operation_id,
        json.dumps(dict(record.detail), separators=(",", ":")),
        entry.prev_hash,
        entry.hash,
    )


def _entry(row: Any) -> AuditEntry:
    record = AuditRecord(
        at=row[1],
        principal=row[2],
        action=row[3],
        outcome=row[4],
        operation_id=row[5],
        detail=json.loads(row[6]),
    )
    return AuditEntry(seq=int(row[0]), record=record, prev_hash=row[7], hash=row[8])
