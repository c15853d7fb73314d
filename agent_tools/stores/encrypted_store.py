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
    ProgressRecord,
    ResultItem,
    StatusChange,
)
from agent_tools.stores.base import Store
from agent_tools.stores.encryption import Keyring

RECORD_FIELDS = ("input", "state", "result")


class EncryptedStore:
    """Wraps ``inner``: encrypts payloads on the way in, decrypts them on the way out."""

    def __init__(self, inner: Store, keyring: Keyring) -> None:
        self.inner = inner
        self.keyring = keyring
        self.url = inner.url

    # -- payload transforms -------------------------------------------------------------

    def _seal(self, operation_id: str, field: str, value: Any) -> Any:
        return self.keyring.encrypt(value, operation_id, field)

    def _open(self, operation_id: str, field: str, value: Any) -> Any:
        return self.keyring.decrypt(value, operation_id, field)

    def _progress(self, operation_id: str, progress: ProgressRecord, seal: bool) -> ProgressRecord:
        """The progress with its message and step labels (the agent's notes) sealed or opened."""
        change = self.keyring.encrypt_text if seal else self.keyring.decrypt_text
        message = progress.message
        return progress.model_copy(
            update={
                "message": None if message is None else change(message, operation_id, "message"),
                "steps_completed": [
                    change(label, operation_id, "step") for label in progress.steps_completed
                ],
            }
        )

    def _event(self, operation_id: str, event: Event, seal: bool) -> Event:
        detail: Any = event.detail
        if seal:
            detail = self._seal(operation_id, "event", detail) if detail else detail
        else:
            detail = self._open(operation_id, "event", detail)
        return event.model_copy(update={"detail": detail})

    def _round(self, operation_id: str, round_: InputRound | None, seal: bool) -> Any:
        if round_ is None:
            return None
        change = self._seal if seal else self._open
        responses = {
            name: response.model_copy(
                update={"content": change(operation_id, f"answer:{name}", response.content)}
            )
            for name, response in round_.responses.items()
        }
        return round_.model_copy(update={"responses": responses})

    def _record(self, record: OperationRecord, seal: bool) -> OperationRecord:
        """The record with its payloads sealed (on the way in) or opened (on the way out)."""
        key = record.operation_id
        change = self._seal if seal else self._open
        update: dict[str, Any] = {
            name: change(key, name, getattr(record, name)) for name in RECORD_FIELDS
        }
        update["input_round"] = self._round(key, record.input_round, seal)
        update["progress"] = self._progress(key, record.progress, seal)
        return record.model_copy(update=update)

    def _opened(self, record: OperationRecord | None) -> OperationRecord | None:
        return None if record is None else self._record(record, seal=False)

    # -- the Store protocol -------------------------------------------------------------

    async def open(self) -> None:
        await self.inner.open()

    async def close(self) -> None:
        await self.inner.close()

    async def create_operation(self, record: OperationRecord) -> tuple[OperationRecord, bool]:
        stored, created = await self.inner.create_operation(self._record(record, seal=True))
        return self._record(stored, seal=False), created

    async def get_operation(self, operation_id: str) -> OperationRecord | None:
        return self._opened(await self.inner.get_operation(operation_id))

    async def list_operations(self, query: OperationQuery) -> OperationPage:
        page = await self.inner.list_operations(query)
        records = [self._record(record, seal=False) for record in page.records]
        return OperationPage(records=records, has_more=page.has_more)

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
                "input": self._seal(key, "input", checkpoint.input),
                "state": self._seal(key, "state", checkpoint.state),
                "result": self._seal(key, "result", checkpoint.result),
                "items": [self._seal(key, "item", item) for item in checkpoint.items],
                "input_round": self._round(key, checkpoint.input_round, seal=True),
                "progress": self._progress(key, checkpoint.progress, seal=True),
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
                "input_round": self._round(key, change.input_round, True),
                "event": self._event(key, change.event, seal=True),
            }
        )
        return self._opened(await self.inner.save_input_round(sealed, now))

    async def read_items(self, operation_id: str, after_seq: int, limit: int) -> list[ResultItem]:
        items = await self.inner.read_items(operation_id, after_seq, limit)
        return [
            item.model_copy(update={"output": self._open(operation_id, "item", item.output)})
            for item in items
        ]

    async def list_events(self, operation_id: str) -> list[Event]:
        events = await self.inner.list_events(operation_id)
        return [self._event(operation_id, event, seal=False) for event in events]

    async def list_recoverable(self, now: float, limit: int) -> list[OperationRecord]:
        records = await self.inner.list_recoverable(now, limit)
        return [self._record(record, seal=False) for record in records]

    async def wait_for_change(self, operation_id: str, revision: int, timeout_s: float) -> None:
        await self.inner.wait_for_change(operation_id, revision, timeout_s)

    async def purge_expired(self, now: float) -> int:
        return await self.inner.purge_expired(now)

    async def purge_ended(self, purge: PurgeFilter) -> int:
        return await self.inner.purge_ended(purge)

    async def erase_owner(self, owner: str) -> int:
        return await self.inner.erase_owner(owner)
