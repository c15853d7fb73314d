"""A store in this process's memory: for tests and throwaway runs. Nothing survives the process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

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
    OperationPage,
    OperationQuery,
    OperationRecord,
    ResultItem,
    StatusChange,
)
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

    async def acquire_lease(
        self,
        operation_id: str,
        holder: str,
        ttl_s: float,
        now: float,
        *,
        dead_holder: str | None = None,
    ) -> Lease | None:
        record = self._records.get(operation_id)
        if record is None or not can_acquire(record, holder, now, dead_holder):
            return None
        if record.lease_holder not in (None, holder):
            self._audit.append([takeover_audit(operation_id, record.lease_holder, holder, now)])
        record.lease_holder = holder
        record.lease_expires_at = now + ttl_s
        record.lease_token += 1
        return Lease(
            operation_id=operation_id,
            holder=holder,
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
        # Sequence numbers are 1..n, so seq k sits at index k - 1.
        return [item.model_copy(deep=True) for item in items[after_seq : after_seq + limit]]

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
