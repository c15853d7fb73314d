"""The one async protocol every store implements.

The rules (fencing, status compare-and-set, sequence numbers) are the same for
every backend; ``tests/contract`` holds the suite that checks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from agent_tools.core.audit import AuditBounds, AuditCheckpoint, AuditEntry, AuditQuery, AuditRecord
from agent_tools.core.eta_history import RunSample
from agent_tools.core.purging import PurgeFilter
from agent_tools.core.records import (
    Checkpoint,
    CommitOutcome,
    Event,
    InputRoundChange,
    Lease,
    LeaseRequest,
    OperationPage,
    OperationQuery,
    OperationRecord,
    ResultItem,
    StatusChange,
)
from agent_tools.core.result_caps import ItemTrim
from agent_tools.core.stored_payloads import PayloadKind, StoredPayload


class AuditChain(Protocol):
    """The audit part of a store: one hash chain of who did what, shared by its writers."""

    async def append_audit(self, records: Sequence[AuditRecord]) -> None:
        """Append ``records`` to the store's audit chain, numbered and hashed, atomically.

        Safe under concurrent writers (other processes sharing the store): each
        append extends the head it finds, so the store keeps one unbroken chain.
        """

    async def read_audit(self, query: AuditQuery) -> list[AuditEntry]:
        """Up to ``query.limit`` audit entries after ``query.after_seq``, oldest first."""

    async def audit_bounds(self) -> AuditBounds:
        """The checkpoint the chain resumes from (None before any purge) and its head."""

    async def purge_audit(self, checkpoint: AuditCheckpoint) -> int:
        """Delete the entries up to ``checkpoint.seq`` and keep ``checkpoint`` in their place.

        Both happen in one step. Returns how many entries went.
        """


@runtime_checkable
class Store(AuditChain, Protocol):
    """Durable home of operations, their result logs and audit events."""

    url: str
    """The URL the store was opened from, with any password removed."""

    # ``OperationRecord.revision`` grows by one on every commit and status
    # change (not on lease changes), so ``wait_for_change`` wakes on progress only.
    # ``updated_at`` is set from the event's ``at`` (or ``now``) on those writes.

    async def open(self) -> None:
        """Connect and create or migrate the schema. Idempotent."""

    async def close(self) -> None:
        """Release connections. The store can be opened again."""

    async def create_operation(self, record: OperationRecord) -> tuple[OperationRecord, bool]:
        """Insert ``record`` unless its id exists; return the stored record and whether it was new.

        The insert also writes a ``created`` event.
        """

    async def get_operation(self, operation_id: str) -> OperationRecord | None:
        """The current record, or None."""

    async def list_operations(self, query: OperationQuery) -> OperationPage:
        """Records matching ``query``, newest (created_at, operation_id) first."""

    async def acquire_lease(self, request: LeaseRequest, now: float) -> Lease | None:
        """Take the lease if it is free, expired, already the holder's, or the dead holder's.

        Every successful acquisition increments the fencing token, so a late
        commit of the previous holder is refused. Returns None when another
        holder's lease is live or the operation is terminal or unknown.
        """

    async def renew_lease(self, lease: Lease, ttl_s: float, now: float) -> OperationRecord | None:
        """Extend a lease still held under ``lease.token``; None when it was lost.

        Returns the record so a holder sees status changes made by others
        (a pause or cancel) without another round trip.
        """

    async def release_lease(self, lease: Lease) -> None:
        """Give the lease up if still held under ``lease.token``; otherwise do nothing."""

    async def commit_checkpoint(self, checkpoint: Checkpoint) -> CommitOutcome:
        """Apply state, progress, status, items and the event in one transaction.

        Items get sequence numbers ``item_count + 1 ...`` in order. The input is
        written only when the checkpoint carries one. Nothing is written unless the
        lease token and expected status both still match.
        """

    async def change_status(self, change: StatusChange, now: float) -> OperationRecord | None:
        """Set the status if it is one of ``change.expected``; None when it was not.

        Writes the event in the same transaction. Does not need the lease; a
        holder learns of the change on its next commit or renewal.
        """

    async def save_input_round(
        self, change: InputRoundChange, now: float
    ) -> OperationRecord | None:
        """Write the round and status if the revision is still ``change.expected_revision``.

        Writes the event in the same transaction and counts as a change (revision
        + 1). Returns the new record, or None when the revision moved on (or the
        operation is gone): the caller reads again and retries.
        """

    async def read_items(self, operation_id: str, after_seq: int, limit: int) -> list[ResultItem]:
        """Up to ``limit`` result items with ``seq > after_seq``, in order."""

    async def trim_items(self, trim: ItemTrim) -> bool:
        """Drop the items up to ``trim.drop_through`` (leaving ``trim.summary`` there, if set).

        In one atomic step, and only while ``dropped_items`` is ``trim.expected_dropped``
        and the log reaches ``drop_through``: sets ``dropped_items`` to it and raises the
        revision (views show the change) but writes no event and leaves ``updated_at``.
        Returns whether it applied. ``read_items`` then starts at the summary or the
        oldest kept item, with the seq numbers items always had.
        """

    async def list_events(self, operation_id: str) -> list[Event]:
        """The operation's audit events, oldest first."""

    async def list_recoverable(self, now: float, limit: int) -> list[OperationRecord]:
        """Background operations that should be running but have no live lease.

        That is: status ``pending`` or ``running``, mode ``background``, and no
        lease or an expired one.
        """

    async def wait_for_change(self, operation_id: str, revision: int, timeout_s: float) -> None:
        """Return when the record's revision differs from ``revision`` or the timeout ends."""

    async def purge_expired(self, now: float) -> int:
        """Delete operations whose ``expires_at`` has passed, with their items and events."""

    async def purge_ended(self, purge: PurgeFilter) -> int:
        """Delete the ended operations ``purge`` matches, with everything kept for them.

        That is the record (input, state and its ledger, input rounds and their
        answers), its result items and its events. Live operations are never removed.
        Returns how many operations went.
        """

    async def erase_owner(self, owner: str) -> int:
        """Delete every operation of ``owner``, whatever its status, with all kept for it.

        The caller cancels live ones first so no worker goes on with them; a worker
        that still commits finds its lease lost. Returns how many operations went.
        """

    async def record_run(self, sample: RunSample) -> None:
        """Keep ``sample`` of a completed run, and only the newest ``HISTORY_KEPT`` of its type.

        The history outlives purged operations: it holds no input, state or result.
        """

    async def run_history(self, operation_type: str, limit: int) -> list[RunSample]:
        """Up to ``limit`` samples of ``operation_type``, newest first."""

    # -- key rotation: payloads read as stored, replaced by compare-and-set --------------

    async def list_payloads(
        self, operation_id: str, kind: PayloadKind, after: int, limit: int
    ) -> list[StoredPayload]:
        """Up to ``limit`` payloads of ``kind`` with ``position > after``, in order.

        Record fields that hold nothing (no input round yet) are left out.
        """

    async def replace_payload(self, payload: StoredPayload, value: Any) -> bool:
        """Store ``value`` in ``payload``'s place if that still holds ``payload.stored``.

        Whether it was replaced. Nothing else moves: no revision, lease, fencing
        token, timestamp, event or notification, since the payload means the same.
        """
