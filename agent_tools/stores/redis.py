"""Redis store on redis-py asyncio: every write is one Lua script, so it is atomic.

An operation is a hash; its result log a list (seq = position + 1); its audit
events a list. Sorted sets index operations by creation time, by status, the
background ones that should be running, and the ones due for purging. Writes
publish the operation id, and long-polls wait on that channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from agent_tools.core.audit_transitions import (
    answer_audit,
    checkpoint_audit,
    created_audit,
    status_audit,
    takeover_audit,
)
from agent_tools.core.errors import StoreError
from agent_tools.core.eta_history import HISTORY_KEPT, RunSample
from agent_tools.core.lease_rules import is_recoverable, recovery_order
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
from agent_tools.stores import redis_payloads, redis_scripts
from agent_tools.stores.audit_delegate import DelegatedAudit
from agent_tools.stores.columns import (
    MODE_COLUMN,
    RECORD_COLUMNS,
    as_text,
    dump,
    encode,
    from_text,
    to_record,
    to_row,
)
from agent_tools.stores.redis_audit import RedisAuditLog
from agent_tools.stores.url_options import NameOption
from agent_tools.stores.waiters import ChangeWaiters

PREFIX = NameOption("prefix", "agent-tools", re.compile(r"^[A-Za-z0-9_.:-]{1,64}$"))
"""Every key of a store starts with its prefix (tests use one prefix each)."""
LIST_BATCH = 200
EXPIRED_KEY_GRACE_S = 3600
"""Keys of an expired operation also carry a Redis TTL this long after expires_at,
so they vanish even if no purge ever runs."""


def _text(name: str, value: Any) -> str:
    """Field ``name`` holding ``value``, encoded as every store encodes it, as hash text."""
    return as_text(name, encode(name, value))


def _time(value: float | None) -> str:
    """A time (epoch seconds) as hash text: the exact float, or '' for none."""
    return as_text("expires_at", value)


def _fields(record: OperationRecord) -> dict[str, str]:
    names = (*(column.name for column in RECORD_COLUMNS), MODE_COLUMN.name)
    return {name: as_text(name, value) for name, value in zip(names, to_row(record), strict=True)}


ADDED_LATER = {"input_round": "", "dropped_items": "0"}
"""What a field reads as in operations stored before it existed."""


def _record(fields: dict[str, str]) -> OperationRecord:
    texts = {
        column.name: fields.get(column.name, ADDED_LATER.get(column.name, ""))
        for column in RECORD_COLUMNS
    }
    texts["owner"] = _owner_text(texts["owner"])
    return to_record([from_text(name, text) for name, text in texts.items()])


def _owner_text(text: str) -> str:
    """Release 0.1.0 stored the owner as JSON (``null`` or a quoted name); read it still."""
    if text == "null":
        return ""
    return str(json.loads(text)) if text.startswith('"') else text


def _pairs(flat: list[str]) -> dict[str, str]:
    return dict(zip(flat[::2], flat[1::2], strict=True))


class RedisStore(DelegatedAudit):
    """The store protocol on one Redis server, every key under a prefix.

    The prefix is ``agent-tools`` unless given, here or as ``?prefix=NAME`` in the URL.
    """

    def __init__(self, url: str, *, prefix: str | None = None) -> None:
        self.url, self.prefix = PREFIX.take(url, prefix)
        self._client: aioredis.Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        self._waiters = ChangeWaiters()
        self._scripts: dict[str, Any] = {}
        self._audit_chain = RedisAuditLog(self._redis, self.prefix)

    # -- life cycle -----------------------------------------------------------------------

    async def open(self) -> None:
        if self._client is not None:
            return
        client = aioredis.from_url(self.url, decode_responses=True)
        try:
            await client.ping()
        except (OSError, RedisError) as failure:
            await client.aclose()
            raise StoreError(
                f"Cannot connect to Redis at {self.url}: {failure}",
                "Check that the server is running and the URL is right.",
            ) from failure
        self._client = client
        for name in redis_scripts.SCRIPTS:
            self._scripts[name] = client.register_script(getattr(redis_scripts, name))
        pubsub = client.pubsub()
        await pubsub.subscribe(self._key("changed"))
        self._listener = asyncio.create_task(self._listen(pubsub))

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def drop_everything(self) -> None:
        """Delete every key under this store's prefix (tests use one prefix each)."""
        client = self._redis()
        keys = [key async for key in client.scan_iter(match=f"{self.prefix}:*", count=500)]
        if keys:
            await client.delete(*keys)

    def _redis(self) -> aioredis.Redis:
        if self._client is None:
            raise StoreError("The Redis store is not open.", "Call open() first.")
        return self._client

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    async def _run(self, script: str, *arguments: Any) -> Any:
        self._redis()
        return await self._scripts[script](keys=[], args=[self.prefix, *arguments])

    async def _listen(self, pubsub: Any) -> None:
        async with pubsub:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                self._waiters.wake(message["data"])

    # -- records --------------------------------------------------------------------------

    async def create_operation(self, record: OperationRecord) -> tuple[OperationRecord, bool]:
        event = Event(kind="created", at=record.created_at, detail={"type": record.operation_type})
        flat = [item for pair in _fields(record).items() for item in pair]
        created = await self._run("CREATE", record.operation_id, event.model_dump_json(), *flat)
        if created:
            await self._audit_chain.append_audit([created_audit(record)])
            return record, True
        existing = await self.get_operation(record.operation_id)
        assert existing is not None
        return existing, False

    async def get_operation(self, operation_id: str) -> OperationRecord | None:
        fields: dict[str, str] = await self._redis().hgetall(self._key("op", operation_id))  # type: ignore[assignment]  # decode_responses=True
        return _record(fields) if fields else None

    async def list_operations(self, query: OperationQuery) -> OperationPage:
        client = self._redis()
        index = self._key("status", query.status.value) if query.status else self._key("all")
        maximum: float | str = "+inf" if query.before is None else query.before[0]
        found: list[OperationRecord] = []
        offset = 0
        while len(found) <= query.limit:
            ids: list[str] = await client.zrevrangebyscore(  # type: ignore[assignment]
                index, maximum, "-inf", start=offset, num=LIST_BATCH
            )
            if not ids:
                break
            offset += len(ids)
            async with client.pipeline(transaction=False) as pipe:
                for operation_id in ids:
                    pipe.hgetall(self._key("op", operation_id))
                rows = await pipe.execute()
            candidates = sorted(
                (_record(row) for row in rows if row),
                key=lambda record: (record.created_at, record.operation_id),
                reverse=True,
            )
            found.extend(record for record in candidates if query.matches(record))
        found.sort(key=lambda record: (record.created_at, record.operation_id), reverse=True)
        return OperationPage(records=found[: query.limit], has_more=len(found) > query.limit)

    # -- leases ---------------------------------------------------------------------------

    async def acquire_lease(self, request: LeaseRequest, now: float) -> Lease | None:
        expires_at = now + request.ttl_s
        claimed = await self._run(
            "ACQUIRE",
            request.operation_id,
            request.holder,
            _time(now),
            _time(expires_at),
            request.dead_holder or "",
        )
        if claimed is None:
            return None
        token, previous = claimed
        if previous and previous != request.holder:
            # After the script, not in it (Lua cannot hash): see SECURITY.md on the window.
            await self._audit_chain.append_audit(
                [takeover_audit(request.operation_id, previous, request.holder, now)]
            )
        return Lease(
            operation_id=request.operation_id,
            holder=request.holder,
            token=int(token),
            expires_at=expires_at,
        )

    async def renew_lease(self, lease: Lease, ttl_s: float, now: float) -> OperationRecord | None:
        flat = await self._run("RENEW", lease.operation_id, str(lease.token), _time(now + ttl_s))
        return _record(_pairs(flat)) if flat else None

    async def release_lease(self, lease: Lease) -> None:
        await self._run("RELEASE", lease.operation_id, str(lease.token))

    # -- writes ---------------------------------------------------------------------------

    async def commit_checkpoint(self, checkpoint: Checkpoint) -> CommitOutcome:
        outcome = await self._run(
            "COMMIT",
            checkpoint.operation_id,
            str(checkpoint.lease_token),
            checkpoint.expected_status.value,
            checkpoint.status.value,
            str(checkpoint.type_version),
            "" if checkpoint.input is None else _text("input", checkpoint.input),
            _text("state", checkpoint.state),
            _text("progress", checkpoint.progress),
            str(checkpoint.next_chunk_index),
            _text("result", checkpoint.result),
            _text("error", checkpoint.error),
            _time(checkpoint.event.at),
            _time(checkpoint.expires_at),
            "1" if checkpoint.release_lease else "0",
            checkpoint.event.model_dump_json(),
            _text("input_round", checkpoint.input_round),
            str(len(checkpoint.items)),
            *(dump(item) for item in checkpoint.items),
        )
        if outcome == "committed":
            audit = checkpoint_audit(checkpoint)
            if audit is not None:
                await self._audit_chain.append_audit([audit])
            if checkpoint.expires_at is not None:
                await self._expire_keys(checkpoint.operation_id, checkpoint.expires_at)
        result: CommitOutcome = outcome
        return result

    async def change_status(self, change: StatusChange, now: float) -> OperationRecord | None:
        flat = await self._run(
            "CHANGE_STATUS",
            change.operation_id,
            change.status.value,
            _time(now),
            _text("error", change.error),
            "" if change.result is None else _text("result", change.result),
            _time(change.expires_at),
            change.event.model_dump_json(),
            *sorted(status.value for status in change.expected),
        )
        if not flat:
            return None
        await self._audit_chain.append_audit([status_audit(change, now)])
        if change.expires_at is not None:
            await self._expire_keys(change.operation_id, change.expires_at)
        return _record(_pairs(flat))

    async def save_input_round(
        self, change: InputRoundChange, now: float
    ) -> OperationRecord | None:
        flat = await self._run(
            "SAVE_INPUT_ROUND",
            change.operation_id,
            str(change.expected_revision),
            _text("input_round", change.input_round),
            change.status.value,
            _time(now),
            change.event.model_dump_json(),
        )
        if not flat:
            return None
        await self._audit_chain.append_audit([answer_audit(change, now)])
        return _record(_pairs(flat))

    async def _expire_keys(self, operation_id: str, expires_at: float) -> None:
        at = int(expires_at) + EXPIRED_KEY_GRACE_S
        async with self._redis().pipeline(transaction=False) as pipe:
            for kind in ("op", "items", "events"):
                pipe.expireat(self._key(kind, operation_id), at)
            await pipe.execute()

    # -- reads ----------------------------------------------------------------------------

    async def read_items(self, operation_id: str, after_seq: int, limit: int) -> list[ResultItem]:
        before, *outputs = await self._run("READ_ITEMS", operation_id, after_seq, limit)
        return [
            ResultItem(seq=int(before) + offset + 1, output=json.loads(output))
            for offset, output in enumerate(outputs)
        ]

    async def trim_items(self, trim: ItemTrim) -> bool:
        summary = ("0",) if trim.summary is None else ("1", dump(trim.summary))
        trimmed = await self._run(
            "TRIM_ITEMS", trim.operation_id, trim.expected_dropped, trim.drop_through, *summary
        )
        return bool(trimmed)

    async def list_events(self, operation_id: str) -> list[Event]:
        events = await self._redis().lrange(self._key("events", operation_id), 0, -1)
        return [Event.model_validate_json(event) for event in events]

    async def list_recoverable(self, now: float, limit: int) -> list[OperationRecord]:
        client = self._redis()
        ids: list[str] = await client.zrange(self._key("active"), 0, -1)  # type: ignore[assignment]
        async with client.pipeline(transaction=False) as pipe:
            for operation_id in ids:
                pipe.hgetall(self._key("op", operation_id))
            rows = await pipe.execute()
        # The ``active`` index holds the background operations that should run.
        orphans = [
            record
            for record in (_record(row) for row in rows if row)
            if is_recoverable(record, now)
        ]
        orphans.sort(key=recovery_order)
        return orphans[:limit]

    async def wait_for_change(self, operation_id: str, revision: int, timeout_s: float) -> None:
        key = self._key("op", operation_id)

        async def current_revision() -> int | None:
            value = await self._redis().hget(key, "revision")
            return None if value is None else int(value)

        await self._waiters.wait(operation_id, revision, timeout_s, current_revision)

    async def purge_expired(self, now: float) -> int:
        purged: int = await self._run("PURGE", _time(now))
        return purged

    async def purge_ended(self, purge: PurgeFilter) -> int:
        statuses = sorted(status.value for status in purge.statuses)
        purged: int = await self._run("PURGE_ENDED", _time(purge.ended_before), *statuses)
        return purged

    async def erase_owner(self, owner: str) -> int:
        # Redis keeps no owner index: find the ids here, a batch at a time, then
        # delete them in one script (an owner never changes, so no re-check is needed).
        client = self._redis()
        owned: list[str] = []
        offset = 0
        while True:
            ids: list[str] = await client.zrange(  # type: ignore[assignment]  # decode_responses=True
                self._key("all"), offset, offset + LIST_BATCH - 1
            )
            if not ids:
                break
            offset += len(ids)
            async with client.pipeline(transaction=False) as pipe:
                for operation_id in ids:
                    pipe.hget(self._key("op", operation_id), "owner")
                owners = await pipe.execute()
            owned.extend(
                operation_id
                for operation_id, text in zip(ids, owners, strict=True)
                if text is not None and _owner_text(text) == owner
            )
        removed = 0
        for start in range(0, len(owned), LIST_BATCH):
            batch = owned[start : start + LIST_BATCH]
            removed += int(await self._run("DELETE_OPERATIONS", *batch))
        return removed

    # -- run history ----------------------------------------------------------------------

    async def record_run(self, sample: RunSample) -> None:
        key = self._key("history", sample.operation_type)
        async with self._redis().pipeline(transaction=True) as pipe:
            pipe.lpush(key, sample.model_dump_json())
            pipe.ltrim(key, 0, HISTORY_KEPT - 1)
            await pipe.execute()

    async def run_history(self, operation_type: str, limit: int) -> list[RunSample]:
        key = self._key("history", operation_type)
        samples = await self._redis().lrange(key, 0, limit - 1)
        return [RunSample.model_validate_json(sample) for sample in samples]

    # -- key rotation ---------------------------------------------------------------------

    async def list_payloads(
        self, operation_id: str, kind: PayloadKind, after: int, limit: int
    ) -> list[StoredPayload]:
        return await redis_payloads.list_payloads(
            self._redis(), self.prefix, operation_id, kind, after, limit
        )

    async def replace_payload(self, payload: StoredPayload, value: Any) -> bool:
        replaced = await self._run("REPLACE_PAYLOAD", *redis_payloads.replacement(payload, value))
        return bool(replaced)
