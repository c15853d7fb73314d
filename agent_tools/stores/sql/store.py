"""The store protocol for both SQL stores, as plans a subclass runs on its database."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any, TypeVar

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
from agent_tools.stores.sql import audit_plans, history_plans, payload_plans, plans, trim_plans
from agent_tools.stores.sql.dialect import Dialect
from agent_tools.stores.sql.plan import Plan
from agent_tools.stores.waiters import ChangeWaiters

T = TypeVar("T")


class SqlStore(abc.ABC):
    """Every store call is a plan from :mod:`.plans`; subclasses say how plans run.

    A subclass wakes ``_waiters`` for the plan's :class:`~.plan.Notify` steps once
    the transaction has committed (directly, or through its database's notices).
    """

    url: str
    dialect: Dialect

    def __init__(self, *, change_poll_s: float | None = None) -> None:
        self._waiters = ChangeWaiters(poll_s=change_poll_s)

    @abc.abstractmethod
    async def _execute(self, plan: Plan[T]) -> T:
        """Run ``plan`` to its end, in one transaction unless it only reads."""

    async def create_operation(self, record: OperationRecord) -> tuple[OperationRecord, bool]:
        return await self._execute(plans.create_operation(record))

    async def get_operation(self, operation_id: str) -> OperationRecord | None:
        return await self._execute(plans.get_operation(operation_id))

    async def list_operations(self, query: OperationQuery) -> OperationPage:
        return await self._execute(plans.list_operations(query))

    async def acquire_lease(self, request: LeaseRequest, now: float) -> Lease | None:
        return await self._execute(
            plans.acquire_lease(
                request.operation_id,
                request.holder,
                request.ttl_s,
                now,
                request.dead_holder,
                self.dialect.skip_locked,
            )
        )

    async def renew_lease(self, lease: Lease, ttl_s: float, now: float) -> OperationRecord | None:
        return await self._execute(plans.renew_lease(lease, ttl_s, now))

    async def release_lease(self, lease: Lease) -> None:
        await self._execute(plans.release_lease(lease))

    async def commit_checkpoint(self, checkpoint: Checkpoint) -> CommitOutcome:
        return await self._execute(plans.commit_checkpoint(checkpoint))

    async def change_status(self, change: StatusChange, now: float) -> OperationRecord | None:
        return await self._execute(plans.change_status(change, now))

    async def save_input_round(
        self, change: InputRoundChange, now: float
    ) -> OperationRecord | None:
        return await self._execute(plans.save_input_round(change, now))

    async def read_items(self, operation_id: str, after_seq: int, limit: int) -> list[ResultItem]:
        return await self._execute(plans.read_items(operation_id, after_seq, limit))

    async def trim_items(self, trim: ItemTrim) -> bool:
        return await self._execute(trim_plans.trim_items(trim))

    async def list_events(self, operation_id: str) -> list[Event]:
        return await self._execute(plans.list_events(operation_id))

    async def list_recoverable(self, now: float, limit: int) -> list[OperationRecord]:
        return await self._execute(plans.list_recoverable(now, limit))

    async def wait_for_change(self, operation_id: str, revision: int, timeout_s: float) -> None:
        await self._waiters.wait(
            operation_id,
            revision,
            timeout_s,
            lambda: self._execute(plans.current_revision(operation_id)),
        )

    async def purge_expired(self, now: float) -> int:
        return await self._execute(plans.purge_expired(now))

    async def purge_ended(self, purge: PurgeFilter) -> int:
        return await self._execute(plans.purge_ended(purge))

    async def erase_owner(self, owner: str) -> int:
        return await self._execute(plans.erase_owner(owner))

    async def record_run(self, sample: RunSample) -> None:
        await self._execute(history_plans.record_run(sample))

    async def run_history(self, operation_type: str, limit: int) -> list[RunSample]:
        return await self._execute(history_plans.run_history(operation_type, limit))

    async def append_audit(self, records: Sequence[AuditRecord]) -> None:
        await self._execute(audit_plans.append_audit(records))

    async def read_audit(self, query: AuditQuery) -> list[AuditEntry]:
        return await self._execute(audit_plans.read_audit(query))

    async def audit_bounds(self) -> AuditBounds:
        return await self._execute(audit_plans.audit_bounds())

    async def purge_audit(self, checkpoint: AuditCheckpoint) -> int:
        return await self._execute(audit_plans.purge_audit(checkpoint))

    # -- key rotation ---------------------------------------------------------------------

    async def list_payloads(
        self, operation_id: str, kind: PayloadKind, after: int, limit: int
    ) -> list[StoredPayload]:
        return await self._execute(payload_plans.list_payloads(operation_id, kind, after, limit))

    async def replace_payload(self, payload: StoredPayload, value: Any) -> bool:
        return await self._execute(payload_plans.replace_payload(payload, value))
