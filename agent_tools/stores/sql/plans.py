"""Every SQL store call as a plan: its statements, written once for SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from agent_tools.core.audit import AuditRecord
from agent_tools.core.audit_transitions import (
    answer_audit,
    checkpoint_audit,
    created_audit,
    status_audit,
    takeover_audit,
)
from agent_tools.core.purging import PurgeFilter
from agent_tools.core.records import (
    Checkpoint,
    CommitOutcome,
    Event,
    InputRoundChange,
    Lease,
    OperationPage,
    OperationQuery,
    OperationRecord,
    ResultItem,
    StatusChange,
)
from agent_tools.core.status import TERMINAL_STATUSES
from agent_tools.stores.columns import (
    COLUMNS,
    INSERT_COLUMNS,
    dump,
    encode,
    to_record,
    to_row,
)
from agent_tools.stores.sql.audit_plans import append_steps
from agent_tools.stores.sql.conditions import acquirable, recoverable
from agent_tools.stores.sql.plan import Notify, Query, Steps, plan

SELECT_RECORD = f"SELECT {COLUMNS} FROM operations WHERE operation_id = $1"


def numbered(first: int, count: int) -> str:
    """``$first, ..., $(first + count - 1)``: the placeholders of a list of values."""
    return ", ".join(f"${number}" for number in range(first, first + count))


def insert_event(operation_id: str, revision: int, event: Event) -> Query:
    """Append ``event``, made at the record's ``revision``, to its log (in the plan's transaction).

    Every event comes with a revision of its record, so ``revision + 1`` numbers the
    operation's events from 1, in order, with gaps where a revision had no event.
    """
    return Query(
        "INSERT INTO events (operation_id, seq, at, kind, detail) VALUES ($1, $2, $3, $4, $5)",
        (operation_id, revision + 1, event.at, event.kind, dump(event.detail)),
    )


def _optional_record(row: Any) -> OperationRecord | None:
    return None if row is None else to_record(row)


# -- records ------------------------------------------------------------------------------


@plan("atomic")
def create_operation(record: OperationRecord) -> Steps[tuple[OperationRecord, bool]]:
    """Insert ``record`` and its ``created`` event unless the id exists."""
    row = to_row(record)
    inserted = yield Query(
        f"INSERT INTO operations ({INSERT_COLUMNS}) VALUES ({numbered(1, len(row))}) "
        "ON CONFLICT (operation_id) DO NOTHING RETURNING operation_id",
        row,
        "row",
    )
    if inserted is None:
        existing = yield Query(SELECT_RECORD, (record.operation_id,), "row")
        return to_record(existing), False
    created = Event(kind="created", at=record.created_at, detail={"type": record.operation_type})
    yield insert_event(record.operation_id, record.revision, created)
    yield from append_steps([created_audit(record)])
    yield Notify(record.operation_id)
    return record, True


@plan("read")
def get_operation(operation_id: str) -> Steps[OperationRecord | None]:
    """The current record, or None."""
    return _optional_record((yield Query(SELECT_RECORD, (operation_id,), "row")))


@plan("read")
def list_operations(query: OperationQuery) -> Steps[OperationPage]:
    """A page of records matching ``query``, newest first."""
    conditions: list[str] = []
    parameters: list[Any] = []
    for column, value in (
        ("status", None if query.status is None else query.status.value),
        ("operation_type", query.operation_type),
        ("owner", query.owner),
    ):
        if value is not None:
            parameters.append(value)
            conditions.append(f"{column} = ${len(parameters)}")
    if query.before is not None:
        parameters.extend(query.before)
        conditions.append(f"(created_at, operation_id) < ({numbered(len(parameters) - 1, 2)})")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    parameters.append(query.limit + 1)
    rows = yield Query(
        f"SELECT {COLUMNS} FROM operations {where} "
        f"ORDER BY created_at DESC, operation_id DESC LIMIT ${len(parameters)}",
        parameters,
        "rows",
    )
    return OperationPage(
        records=[to_record(row) for row in rows[: query.limit]],
        has_more=len(rows) > query.limit,
    )


# -- leases -------------------------------------------------------------------------------


@plan("atomic")
def acquire_lease(
    operation_id: str,
    holder: str,
    ttl_s: float,
    now: float,
    dead_holder: str | None,
    skip_locked: str,
) -> Steps[Lease | None]:
    """Take the lease if :func:`~agent_tools.core.lease_rules.can_acquire` allows it.

    The claim locks the row (PostgreSQL) before the update, so the holder it read
    is the one replaced: taking over another holder's lease is audited with it.
    """
    expires_at = now + ttl_s
    claimed = yield Query(
        f"SELECT lease_holder FROM operations WHERE operation_id = $1 AND "
        f"{acquirable('$2', '$3', '$4')}{skip_locked}",
        (operation_id, holder, now, dead_holder),
        "row",
    )
    if claimed is None:
        return None
    row = yield Query(
        "UPDATE operations SET lease_holder = $2, lease_expires_at = $3, "
        "lease_token = lease_token + 1 WHERE operation_id = $1 RETURNING lease_token",
        (operation_id, holder, expires_at),
        "row",
    )
    previous = claimed[0]
    if previous is not None and previous != holder:
        yield from append_steps([takeover_audit(operation_id, previous, holder, now)])
    return Lease(operation_id=operation_id, holder=holder, token=row[0], expires_at=expires_at)


@plan("write")
def renew_lease(lease: Lease, ttl_s: float, now: float) -> Steps[OperationRecord | None]:
    """Extend the lease held under ``lease.token``; the record, or None when it was lost."""
    row = yield Query(
        "UPDATE operations SET lease_expires_at = $3 WHERE operation_id = $1 "
        f"AND lease_token = $2 AND lease_holder IS NOT NULL RETURNING {COLUMNS}",
        (lease.operation_id, lease.token, now + ttl_s),
        "row",
    )
    return _optional_record(row)


@plan("write")
def release_lease(lease: Lease) -> Steps[None]:
    """Free the lease if it is still held under ``lease.token``."""
    yield Query(
        "UPDATE operations SET lease_holder = NULL, lease_expires_at = NULL "
        "WHERE operation_id = $1 AND lease_token = $2",
        (lease.operation_id, lease.token),
    )


# -- writes -------------------------------------------------------------------------------

_CHECKPOINT_UPDATE = (
    "UPDATE operations SET {status}type_version = $5, input = COALESCE($6, input), state = $7, "
    "progress = $8, next_chunk_index = $9, item_count = item_count + $10, result = $11, "
    "error = $12, input_round = $13, updated_at = $14, expires_at = COALESCE($15, expires_at), "
    "revision = revision + 1{release} "
    "WHERE operation_id = $1 AND lease_token = $2 AND status = $3{same_status} "
    "RETURNING item_count, revision"
)
CHECKPOINT_UPDATE = {
    (moves, release): _CHECKPOINT_UPDATE.format(
        status="status = $4, " if moves else "",
        same_status="" if moves else " AND status = $4",
        release=", lease_holder = NULL, lease_expires_at = NULL" if release else "",
    )
    for moves in (False, True)
    for release in (False, True)
}
"""The fenced UPDATE of a checkpoint, by whether it moves the status and whether it releases
the lease; returns the item count and the new revision. A checkpoint that keeps the status
leaves it out of its SET (and checks ``$4`` in its WHERE instead), so the status index is
not rewritten per chunk."""


def checkpoint_update_key(checkpoint: Checkpoint) -> tuple[bool, bool]:
    """Which :data:`CHECKPOINT_UPDATE` commits ``checkpoint``."""
    return checkpoint.status is not checkpoint.expected_status, checkpoint.release_lease


def checkpoint_parameters(checkpoint: Checkpoint) -> tuple[Any, ...]:
    """``$1 ... $15`` of :data:`CHECKPOINT_UPDATE`."""
    return (
        checkpoint.operation_id,
        checkpoint.lease_token,
        checkpoint.expected_status.value,
        checkpoint.status.value,
        checkpoint.type_version,
        None if checkpoint.input is None else encode("input", checkpoint.input),
        encode("state", checkpoint.state),
        encode("progress", checkpoint.progress),
        checkpoint.next_chunk_index,
        len(checkpoint.items),
        encode("result", checkpoint.result),
        encode("error", checkpoint.error),
        encode("input_round", checkpoint.input_round),
        checkpoint.event.at,
        checkpoint.expires_at,
    )


@plan("atomic")
def commit_checkpoint(checkpoint: Checkpoint) -> Steps[CommitOutcome]:
    """The fenced update, the numbered items and the event, in one transaction."""
    row = yield Query(
        CHECKPOINT_UPDATE[checkpoint_update_key(checkpoint)],
        checkpoint_parameters(checkpoint),
        "row",
    )
    if row is None:
        return (yield from refused_checkpoint(checkpoint))
    if checkpoint.items:
        first_seq = row[0] - len(checkpoint.items) + 1
        yield Query(
            "INSERT INTO items (operation_id, seq, output) VALUES ($1, $2, $3)",
            [
                (checkpoint.operation_id, first_seq + offset, dump(output))
                for offset, output in enumerate(checkpoint.items)
            ],
            "batch",
        )
    yield insert_event(checkpoint.operation_id, row[1], checkpoint.event)
    audit = checkpoint_audit(checkpoint)
    if audit is not None:
        yield from append_steps([audit])
    yield Notify(checkpoint.operation_id)
    return "committed"


def refused_checkpoint(checkpoint: Checkpoint) -> Steps[CommitOutcome]:
    """Why the fenced update of ``checkpoint`` matched nothing: the lease or the status."""
    row = yield Query(
        "SELECT lease_token FROM operations WHERE operation_id = $1",
        (checkpoint.operation_id,),
        "row",
    )
    still_held = row is not None and row[0] == checkpoint.lease_token
    return "status_changed" if still_held else "lease_lost"


@plan("atomic")
def change_status(change: StatusChange, now: float) -> Steps[OperationRecord | None]:
    """Set the status if it is one of ``change.expected``, with its event."""
    expected = sorted(status.value for status in change.expected)
    if not expected:
        return None
    return (
        yield from _update_with_event(
            "UPDATE operations SET status = $2, error = COALESCE($3, error), "
            "result = COALESCE($4, result), expires_at = COALESCE($5, expires_at), "
            "updated_at = $6, revision = revision + 1 "
            f"WHERE operation_id = $1 AND status IN ({numbered(7, len(expected))}) "
            f"RETURNING {COLUMNS}",
            (
                change.operation_id,
                change.status.value,
                encode("error", change.error),
                None if change.result is None else dump(change.result),
                change.expires_at,
                now,
                *expected,
            ),
            change.event,
            status_audit(change, now),
        )
    )


@plan("atomic")
def save_input_round(change: InputRoundChange, now: float) -> Steps[OperationRecord | None]:
    """Write the round and status if the revision is still the expected one, with its event."""
    return (
        yield from _update_with_event(
            "UPDATE operations SET input_round = $2, status = $3, updated_at = $4, "
            "revision = revision + 1 WHERE operation_id = $1 AND revision = $5 "
            f"RETURNING {COLUMNS}",
            (
                change.operation_id,
                encode("input_round", change.input_round),
                change.status.value,
                now,
                change.expected_revision,
            ),
            change.event,
            answer_audit(change, now),
        )
    )


def _update_with_event(
    sql: str, parameters: tuple[Any, ...], event: Event, audit: AuditRecord
) -> Steps[OperationRecord | None]:
    """An ``UPDATE ... RETURNING`` of one record (``$1`` its id), its event, audit and notice."""
    row = yield Query(sql, parameters, "row")
    if row is None:
        return None
    record = to_record(row)
    yield insert_event(record.operation_id, record.revision, event)
    yield from append_steps([audit])
    yield Notify(record.operation_id)
    return record


# -- reads --------------------------------------------------------------------------------


@plan("read")
def read_items(operation_id: str, after_seq: int, limit: int) -> Steps[list[ResultItem]]:
    """Up to ``limit`` items after ``after_seq``, in order."""
    rows = yield Query(
        "SELECT seq, output FROM items WHERE operation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        (operation_id, after_seq, limit),
        "rows",
    )
    return [ResultItem(seq=row[0], output=json.loads(row[1])) for row in rows]


@plan("read")
def list_events(operation_id: str) -> Steps[list[Event]]:
    """The operation's audit events, oldest first."""
    rows = yield Query(
        "SELECT kind, at, detail FROM events WHERE operation_id = $1 ORDER BY seq",
        (operation_id,),
        "rows",
    )
    return [Event(kind=row[0], at=row[1], detail=json.loads(row[2])) for row in rows]


@plan("read")
def list_recoverable(now: float, limit: int) -> Steps[list[OperationRecord]]:
    """Background operations that should run and have no live lease, by priority then age."""
    rows = yield Query(
        f"SELECT {COLUMNS} FROM operations WHERE {recoverable('$1')} "
        "ORDER BY priority DESC, created_at LIMIT $2",
        (now, limit),
        "rows",
    )
    return [to_record(row) for row in rows]


@plan("read")
def current_revision(operation_id: str) -> Steps[int | None]:
    """The record's revision, or None when it is gone."""
    row = yield Query(
        "SELECT revision FROM operations WHERE operation_id = $1", (operation_id,), "row"
    )
    return None if row is None else int(row[0])


@plan("atomic")
def purge_expired(now: float) -> Steps[int]:
    """Delete operations whose ``expires_at`` has passed, with their items and events."""
    return (yield from _delete_where("expires_at <= $1", (now,)))


@plan("atomic")
def purge_ended(purge: PurgeFilter) -> Steps[int]:
    """Delete the ended operations ``purge`` matches, with their items and events."""
    # Only ended statuses reach the SQL, whatever the filter holds.
    statuses = sorted(status.value for status in purge.statuses & TERMINAL_STATUSES)
    if not statuses:
        return 0
    where = f"status IN ({numbered(1, len(statuses))})"
    parameters: list[Any] = list(statuses)
    if purge.ended_before is not None:
        parameters.append(purge.ended_before)
        where += f" AND updated_at < ${len(parameters)}"
    return (yield from _delete_where(where, tuple(parameters)))


@plan("atomic")
def erase_owner(owner: str) -> Steps[int]:
    """Delete every operation of ``owner``, with its items and events."""
    return (yield from _delete_where("owner = $1", (owner,)))


def _delete_where(where: str, parameters: tuple[Any, ...]) -> Steps[int]:
    """Delete the operations matching ``where`` and their items and events; how many."""
    for table in ("items", "events"):
        yield Query(
            f"DELETE FROM {table} WHERE operation_id IN "
            f"(SELECT operation_id FROM operations WHERE {where})",
            parameters,
        )
    deleted = yield Query(
        f"DELETE FROM operations WHERE {where} RETURNING operation_id", parameters, "rows"
    )
    for row in deleted:
        yield Notify(row[0])
    return len(deleted)
