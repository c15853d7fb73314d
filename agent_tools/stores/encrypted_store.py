"""A store that keeps input, state, results and answers encrypted in the store it wraps.

So are progress messages, step labels (an agent's notes) and event details.
Everything else (ids, status, counts, leases, timestamps) stays in clear, so every
backend keeps its queries, fencing and contract unchanged: the wrapped store only
ever sees ``{"$enc": ...}`` values where the payloads were.
"""

from __future__ import annotations

from typing import Any

from agent_tools.core.eta_history import RunSample
from agent_tools.core.input_requests import InputRound
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
from agent_tools.core.stored_payloads import RECORD_PAYLOADS, PayloadKind, StoredPayload
from agent_tools.stores import sealing
from agent_tools.stores.audit_delegate import DelegatedAudit
from agent_tools.stores.base import Store
from agent_tools.stores.encryption import Keyring


class EncryptedStore(DelegatedAudit):
    """Wraps ``inner``: encrypts payloads on the way in, decrypts them on the way out."""

    def __init__(self, inner: Store, keyring: Keyring) -> None:
        self.inner = inner
        # Audit entries hold no payload (who, what, when, how it ended): kept as they are.
        self._audit_chain = inner
        self.keyring = keyring
        self.url = inner.url
        self._sealing = sealing.Change(keyring.encrypt, keyring.encrypt_text)
        self._opening = sealing.Change(keyring.decrypt, keyring.decrypt_text)

    # -- payload transforms -------------------------------------------------------------

    def _seal(self, operation_id: str, field: str, value: Any) -> Any:
        return self.keyring.encrypt(value, operation_id, field)

    def _event(self, operation_id: str, event: Event, seal: bool) -> Event:
        change = self._sealing if seal else self._opening
        return event.model_copy(
            update={"detail": sealing.event_detail(change, operation_id, event.detail)}
        )

    def _round(self, operation_id: str, round_: InputRound | None) -> Any:
        return sealing.input_round(self._sealing, operation_id, round_)

    def _opened(self, record: OperationRecord | None) -> OperationRecord | None:
        if record is None:
            return None
        return record.model_copy(update=self._fields(record, self._opening))

    def _sealed(self, record: OperationRecord) -> OperationRecord:
        return record.model_copy(update=self._fields(record, self._sealing))

    def _fields(self, record: OperationRecord, change: sealing.Change) -> dict[str, Any]:
        key = record.operation_id
        return {
            name: sealing.record_field(change, key, name, getattr(record, name))
            for name in RECORD_PAYLOADS
        }

    # -- the Store protocol -------------------------------------------------------------

    async def open(self) -> None:
        await self.inner.open()

    async def close(self) -> None:
        await self.inner.close()

    async def create_operation(self, record: OperationRecord) -> tuple[OperationRecord, bool]:
        stored, created = await self.inner.create_operation(self._sealed(record))
        opened = self._opened(stored)
        assert opened is not None
        return opened, created

    async def get_operation(self, operation_id: str) -> OperationRecord | None:
        return self._opened(await self.inner.get_operation(operation_id))

    async def list_operations(self, query: OperationQuery) -> OperationPage:
        page = await self.inner.list_operations(query)
        records = [self._opened(record) for record in page.records]
        return OperationPage(records=[r for r in records if r], has_more=page.has_more)

    async def acquire_lease(self, request: LeaseRequest, now: float) -> Lease | None:
        return await self.inner.acquire_lease(request, now)

    async def renew_lease(self, lease: Lease, ttl_s: float, now: float) -> OperationRecord | None:
        return self._opened(await self.inner.renew_lease(lease, ttl_s, now))

    async def release_lease(self, lease: Lease) -> None:
        await self.inner.release_lease(lease)

    async def record_run(self, sample: RunSample) -> None:
        # A run's steps and active time are no payload: kept as they are.
        await self.inner.record_run(sample)

    async def run_history(self, operation_type: str, limit: int) -> list[RunSample]:
        return await self.inner.run_history(operation_type, limit)

    async def commit_checkpoint(self, checkpoint: Checkpoint) -> CommitOutcome:
        key = checkpoint.operation_id
        sealed = checkpoint.model_copy(
            update={
                "input": None
                if checkpoint.input is None
                else self._seal(key, "input", checkpoint.input),
                "state": self._seal(key, "state", checkpoint.state),
                "result": self._seal(key, "result", checkpoint.result),
                "items": [self._seal(key, "item", item) for item in checkpoint.items],
                "input_round": self._round(key, checkpoint.input_round),
                "progress": sealing.progress(self._sealing, key, checkpoint.progress),
                "event": self._event(key, checkpoint.event, seal=True),
            }
        )
        return await self.inner.commit_checkpoint(sealed)

    async def change_status(self, change: StatusChange, now: float) -> OperationRecord | None:
        key = change.operation_id
        sealed = change.model_copy(
            update={
                "result": self._seal(key, "result", change.result),
                "event": self._event(key, change.event, seal=True),
            }
        )
        return self._opened(await self.inner.change_status(sealed, now))

    async def save_input_round(
        self, change: InputRoundChange, now: float
    ) -> OperationRecord | None:
        key = change.operation_id
        sealed = change.model_copy(
            update={
                "input_round": self._round(key, change.input_round),
                "event": self._event(key, change.event, seal=True),
            }
        )
        return self._opened(await self.inner.save_input_round(sealed, now))

    async def read_items(self, operation_id: str, after_seq: int, limit: int) -> list[ResultItem]:
        items = await self.inner.read_items(operation_id, after_seq, limit)
        return [
            item.model_copy(
                update={"output": self.keyring.decrypt(item.output, operation_id, "item")}
            )
            for item in items
        ]

    async def trim_items(self, trim: ItemTrim) -> bool:
        if trim.summary is None:
            return await self.inner.trim_items(trim)
        summary = self._seal(trim.operation_id, "item", trim.summary)
        return await self.inner.trim_items(trim.model_copy(update={"summary": summary}))

    async def list_events(self, operation_id: str) -> list[Event]:
        events = await self.inner.list_events(operation_id)
        return [self._event(operation_id, event, seal=False) for event in events]

    async def list_recoverable(self, now: float, limit: int) -> list[OperationRecord]:
        records = [self._opened(r) for r in await self.inner.list_recoverable(now, limit)]
        return [record for record in records if record is not None]

    async def wait_for_change(self, operation_id: str, revision: int, timeout_s: float) -> None:
        await self.inner.wait_for_change(operation_id, revision, timeout_s)

    async def purge_expired(self, now: float) -> int:
        return await self.inner.purge_expired(now)

    async def purge_ended(self, purge: PurgeFilter) -> int:
        return await self.inner.purge_ended(purge)

    async def erase_owner(self, owner: str) -> int:
        return await self.inner.erase_owner(owner)

    # -- key rotation: payloads as stored (sealed), which key rotation re-seals ------------

    async def list_payloads(
        self, operation_id: str, kind: PayloadKind, after: int, limit: int
    ) -> list[StoredPayload]:
        return await self.inner.list_payloads(operation_id, kind, after, limit)

    async def replace_payload(self, payload: StoredPayload, value: Any) -> bool:
        return await self.inner.replace_payload(payload, value)
