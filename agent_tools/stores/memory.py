"""A store in this process's memory: for tests and throwaway runs. Nothing survives the process."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import copy
from collections.abc import Sequence
from typing import Any

from agent_tools.core.audit import AuditBounds, AuditCheckpoint, AuditEntry, AuditQuery, AuditRecord
from agent_tools.core.audit_transitions import (
    answer_audit,
    checkpoint_audit,
    created_audit,
    status_audit,
    takeover_audit,
)
from agent_tools.core.eta_history import HISTORY_KEPT, RunSample
from agent_tools.core.lease_rules import can_acquire, is_recoverable, recovery_order
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
from agent_tools.core.stored_payloads import (
    RECORD_PAYLOADS,
    PayloadKind,
    StoredPayload,
)
from agent_tools.stores.columns import dump, encode
from agent_tools.stores.memory_audit import MemoryAuditLog


class MemoryStore:
    """The store protocol over dictionaries; records are copied in and out."""

    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._records: dict[str, OperationRecord] = {}
        self._items: dict[str, list[ResultItem]] = {}
        self._events: dict[str, list[Event]] = {}
        self._history: dict[str, list[RunSample]] = {}
        self._audit = MemoryAuditLog()
        self._changed: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def _notify(self) -> None:
        condition = self._condition()
        async with condition:
            condition.notify_all()

    async def open(self) -> None:
        self._condition()

    async def close(self) -> None:
        self._changed = None

    async def create_operation(self, record: OperationRecord) -> tuple[OperationRecord, bool]:
        existing = self._records.get(record.operation_id)
        if existing is not None:
            return existing.model_copy(deep=True), False
        stored = record.model_copy(deep=True)
        self._records[record.operation_id] = stored
        self._items[record.operation_id] = []
        self._events[record.operation_id] = [
            Event(kind="created", at=record.created_at, detail={"type": record.operation_type})
        ]
        self._audit.append([created_audit(stored)])
        await self._notify()
        return stored.model_copy(deep=True), True

    async def get_operation(self, operation_id: str) -> OperationRecord | None:
        record = self._records.get(operation_id)
        return None if record is None else record.model_copy(deep=True)

    async def list_operations(self, query: OperationQuery) -> OperationPage:
        matching = sorted(
            (record for record in self._records.values() if query.matches(record)),
            key=lambda record: (record.created_at, record.operation_id),
            reverse=True,
        )
        page = matching[: query.limit]
        return OperationPage(
            records=[record.model_copy(deep=True) for record in page],
            has_more=len(matching) > query.limit,
        )

    async def acquire_lease(self, request: LeaseRequest, now: float) -> Lease | None:
        record = self._records.get(request.operation_id)
        if record is None or not can_acquire(record, request.holder, now, request.dead_holder):
            return None
        if record.lease_holder not in (None, request.holder):
            self._audit.append(
                [takeover_audit(request.operation_id, record.lease_holder, request.holder, now)]
            )
        record.lease_holder = request.holder
        record.lease_expires_at = now + request.ttl_s
        record.lease_token += 1
        return Lease(
            operation_id=request.operation_id,
            holder=request.holder,
            token=record.lease_token,
            expires_at=record.lease_expires_at,
        )

    async def renew_lease(self, lease: Lease, ttl_s: float, now: float) -> OperationRecord | None:
        record = self._records.get(lease.operation_id)
        if record is None or record.lease_token != lease.token or record.lease_holder is None:
            return None
        record.lease_expires_at = now + ttl_s
        return record.model_copy(deep=True)

    async def release_lease(self, lease: Lease) -> None:
        record = self._records.get(lease.operation_id)
        if record is not None and record.lease_token == lease.token:
            record.lease_holder = None
            record.lease_expires_at = None

    async def commit_checkpoint(self, checkpoint: Checkpoint) -> CommitOutcome:
        record = self._records.get(checkpoint.operation_id)
        if record is None or record.lease_token != checkpoint.lease_token:
            return "lease_lost"
        if record.status is not checkpoint.expected_status:
            return "status_changed"
        # The caller keeps its checkpoint; later edits to it must not reach the stored copy.
        checkpoint = checkpoint.model_copy(deep=True)
        items = self._items[record.operation_id]
        for output in checkpoint.items:
            record.item_count += 1
            items.append(ResultItem(seq=record.item_count, output=output))
        record.status = checkpoint.status
        record.type_version = checkpoint.type_version
        if checkpoint.input is not None:
            record.input = checkpoint.input
        record.state = checkpoint.state
        record.progress = checkpoint.progress
        record.next_chunk_index = checkpoint.next_chunk_index
        record.result = checkpoint.result
        record.error = checkpoint.error
        record.input_round = checkpoint.input_round
        record.updated_at = checkpoint.event.at
        if checkpoint.expires_at is not None:
            record.expires_at = checkpoint.expires_at
        if checkpoint.release_lease:
            record.lease_holder = None
            record.lease_expires_at = None
        record.revision += 1
        self._events[record.operation_id].append(checkpoint.event)
        audit = checkpoint_audit(checkpoint)
        if audit is not None:
            self._audit.append([audit])
        await self._notify()
        return "committed"

    async def change_status(self, change: StatusChange, now: float) -> OperationRecord | None:
        record = self._records.get(change.operation_id)
        if record is None or record.status not in change.expected:
            return None
        change = change.model_copy(deep=True)
        record.status = change.status
        if change.error is not None:
            record.error = change.error
        if change.result is not None:
            record.result = change.result
        if change.expires_at is not None:
            record.expires_at = change.expires_at
        self._audit.append([status_audit(change, now)])
        return await self._stamp_change(record, change.event, now)

    async def save_input_round(
        self, change: InputRoundChange, now: float
    ) -> OperationRecord | None:
        record = self._records.get(change.operation_id)
        if record is None or record.revision != change.expected_revision:
            return None
        change = change.model_copy(deep=True)
        record.input_round = change.input_round
        record.status = change.status
        self._audit.append([answer_audit(change, now)])
        return await self._stamp_change(record, change.event, now)

    async def _stamp_change(
        self, record: OperationRecord, event: Event, now: float
    ) -> OperationRecord:
        """Stamp a change made to ``record``, log its event, wake waiters; a copy to return."""
        record.updated_at = now
        record.revision += 1
        self._events[record.operation_id].append(event)
        await self._notify()
        return record.model_copy(deep=True)

    async def read_items(self, operation_id: str, after_seq: int, limit: int) -> list[ResultItem]:
        items = self._items.get(operation_id, [])
        # In seq order, but a capped log no longer starts at seq 1.
        start = bisect.bisect_right(items, after_seq, key=lambda item: item.seq)
        return [item.model_copy(deep=True) for item in items[start : start + limit]]

    async def trim_items(self, trim: ItemTrim) -> bool:
        record = self._records.get(trim.operation_id)
        if (
            record is None
            or record.dropped_items != trim.expected_dropped
            or not trim.expected_dropped < trim.drop_through <= record.item_count
        ):
            return False
        items = self._items[trim.operation_id]
        start = bisect.bisect_right(items, trim.drop_through, key=lambda item: item.seq)
        kept = items[start:]
        if trim.summary is not None:
            summary = trim.model_copy(deep=True).summary
            kept.insert(0, ResultItem(seq=trim.drop_through, output=summary))
        self._items[trim.operation_id] = kept
        record.dropped_items = trim.drop_through
        record.revision += 1
        await self._notify()
        return True

    async def list_events(self, operation_id: str) -> list[Event]:
        return [event.model_copy(deep=True) for event in self._events.get(operation_id, [])]

    async def list_recoverable(self, now: float, limit: int) -> list[OperationRecord]:
        orphans = [record for record in self._records.values() if is_recoverable(record, now)]
        orphans.sort(key=recovery_order)
        return [record.model_copy(deep=True) for record in orphans[:limit]]

    async def wait_for_change(self, operation_id: str, revision: int, timeout_s: float) -> None:
        condition = self._condition()

        def changed() -> bool:
            record = self._records.get(operation_id)
            return record is None or record.revision != revision

        async with condition:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(condition.wait_for(changed), timeout_s)

    async def purge_expired(self, now: float) -> int:
        expired = [
            operation_id
            for operation_id, record in self._records.items()
            if record.expires_at is not None and record.expires_at <= now
        ]
        return self._remove(expired)

    async def purge_ended(self, purge: PurgeFilter) -> int:
        return self._remove([key for key, record in self._records.items() if purge.matches(record)])

    async def erase_owner(self, owner: str) -> int:
        return self._remove([key for key, record in self._records.items() if record.owner == owner])

    def _remove(self, operation_ids: list[str]) -> int:
        """Drop the operations and their items and events; how many there were."""
        for operation_id in operation_ids:
            del self._records[operation_id]
            self._items.pop(operation_id, None)
            self._events.pop(operation_id, None)
        return len(operation_ids)

    async def record_run(self, sample: RunSample) -> None:
        kept = self._history.setdefault(sample.operation_type, [])
        kept.append(sample.model_copy())
        del kept[:-HISTORY_KEPT]

    async def run_history(self, operation_type: str, limit: int) -> list[RunSample]:
        kept = self._history.get(operation_type, [])
        return [sample.model_copy() for sample in reversed(kept)][:limit]

    async def append_audit(self, records: Sequence[AuditRecord]) -> None:
        self._audit.append(records)

    async def read_audit(self, query: AuditQuery) -> list[AuditEntry]:
        return self._audit.read(query)

    async def audit_bounds(self) -> AuditBounds:
        return self._audit.bounds

    async def purge_audit(self, checkpoint: AuditCheckpoint) -> int:
        return self._audit.purge(checkpoint)

    # -- key rotation ---------------------------------------------------------------------

    def _payload_values(self, operation_id: str, kind: PayloadKind) -> dict[int, Any]:
        """Position -> value of every payload of ``kind``, as the record and logs hold them."""
        record = self._records.get(operation_id)
        if record is None:
            return {}
        if kind == "record":
            values = enumerate((getattr(record, name) for name in RECORD_PAYLOADS), start=1)
            # A field a persisting store keeps as NULL (no input round) is not listed.
            return {p: v for p, v in values if _stored_text(kind, p, v) is not None}
        if kind == "item":
            return {item.seq: item.output for item in self._items[operation_id]}
        return {place: event.detail for place, event in enumerate(self._events[operation_id], 1)}

    async def list_payloads(
        self, operation_id: str, kind: PayloadKind, after: int, limit: int
    ) -> list[StoredPayload]:
        found = [
            StoredPayload(
                operation_id=operation_id,
                kind=kind,
                position=position,
                value=copy.deepcopy(value),
                stored=str(_stored_text(kind, position, value)),
            )
            for position, value in self._payload_values(operation_id, kind).items()
            if position > after
        ]
        return found[:limit]

    async def replace_payload(self, payload: StoredPayload, value: Any) -> bool:
        current = self._payload_values(payload.operation_id, payload.kind)
        position = payload.position
        if position not in current:
            return False
        if _stored_text(payload.kind, position, current[position]) != payload.stored:
            return False
        copied = copy.deepcopy(value)
        if payload.kind == "record":
            setattr(self._records[payload.operation_id], payload.field, copied)
        elif payload.kind == "item":
            self._items[payload.operation_id][position - 1].output = copied
        else:
            events = self._events[payload.operation_id]
            events[position - 1] = events[position - 1].model_copy(update={"detail": copied})
        return True


def _stored_text(kind: PayloadKind, position: int, value: Any) -> str | None:
    """The text a persisting store would hold for this payload (what the CAS compares)."""
    if kind == "record":
        text: str | None = encode(RECORD_PAYLOADS[position - 1], value)
        return text
    return dump(value)
