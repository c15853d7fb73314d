"""The audit chain of :class:`~agent_tools.stores.redis.RedisStore`.

Entries sit in a sorted set scored by ``seq``; the head (and the checkpoint of the
last purge) in a hash. Lua has no sha256, so an append hashes in Python from the
head it read and a script writes the entries only if the head is still that one;
otherwise the append reads the new head and tries again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import redis.asyncio as aioredis

from agent_tools.core.audit import (
    GENESIS_HASH,
    AuditBounds,
    AuditCheckpoint,
    AuditEntry,
    AuditHead,
    AuditQuery,
    AuditRecord,
    chain,
    record_fields,
)
from agent_tools.core.errors import StoreError

APPEND_ATTEMPTS = 200
"""Compare-and-set rounds before an append under heavy contention gives up."""
READ_BATCH = 500

APPEND = f"""
local p = ARGV[1]
local head = redis.call('HGET', p .. ':audit:head', 'hash') or '{GENESIS_HASH}'
if head ~= ARGV[2] then return 0 end
for i = 5, #ARGV, 2 do redis.call('ZADD', p .. ':audit:log', ARGV[i], ARGV[i + 1]) end
redis.call('HSET', p .. ':audit:head', 'seq', ARGV[3], 'hash', ARGV[4])
return 1
"""
"""Append the chained entries if the head's hash is still ``ARGV[2]``; 1 if it was."""

PURGE = """
local p = ARGV[1]
local removed = redis.call('ZREMRANGEBYSCORE', p .. ':audit:log', '-inf', ARGV[2])
redis.call('HSET', p .. ':audit:head', 'checkpoint', ARGV[3])
return removed
"""


def _member(entry: AuditEntry) -> str:
    """An entry as sorted-set member text; its ``seq`` is the score, not part of the text."""
    body = {"record": record_fields(entry.record), "prev_hash": entry.prev_hash, "hash": entry.hash}
    return json.dumps(body, separators=(",", ":"))


def _entry(member: str, score: float) -> AuditEntry:
    body = json.loads(member)
    record = AuditRecord(**body["record"])
    return AuditEntry(seq=int(score), record=record, prev_hash=body["prev_hash"], hash=body["hash"])


class RedisAuditLog:
    """The audit chain of the Redis store, on the client ``client()`` returns."""

    def __init__(self, client: Callable[[], aioredis.Redis], prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._scripts: dict[str, Any] = {}

    def _key(self, name: str) -> str:
        return f"{self._prefix}:audit:{name}"

    async def _script(self, source: str, *arguments: Any) -> Any:
        client = self._client()
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = client.register_script(source)
        return await script(keys=[], args=[self._prefix, *arguments], client=client)

    async def _head(self) -> AuditHead:
        values: list[str | None] = await self._client().hmget(self._key("head"), ["seq", "hash"])  # type: ignore[assignment]  # decode_responses=True
        seq, digest = values
        if seq is None or digest is None:
            return AuditHead(0, GENESIS_HASH)
        return AuditHead(int(seq), digest)

    async def append_audit(self, records: Sequence[AuditRecord]) -> None:
        """Chain ``records`` after the head, retrying while other writers move it."""
        if not records:
            return
        for _ in range(APPEND_ATTEMPTS):
            head = await self._head()
            entries = chain(records, head)
            flat: list[Any] = []
            for entry in entries:
                flat.extend((entry.seq, _member(entry)))
            last = entries[-1]
            if await self._script(APPEND, head.hash, last.seq, last.hash, *flat):
                return
        raise StoreError(
            "The audit log head kept moving; the entries were not appended.",
            "Too many writers append at once; retry the action.",
        )

    async def read_audit(self, query: AuditQuery) -> list[AuditEntry]:
        """A page of entries for ``query``; an operation filter scans the log in batches."""
        found: list[AuditEntry] = []
        after = query.after_seq
        while len(found) < query.limit:
            batch = query.limit if query.operation_id is None else READ_BATCH
            rows: list[tuple[str, float]] = await self._client().zrangebyscore(  # type: ignore[assignment]  # decode_responses=True
                self._key("log"), f"({after}", "+inf", start=0, num=batch, withscores=True
            )
            for member, score in rows:
                entry = _entry(member, score)
                if query.matches(entry):
                    found.append(entry)
            if len(rows) < batch:
                break
            after = int(rows[-1][1])
        return found[: query.limit]

    async def audit_bounds(self) -> AuditBounds:
        """The head and the checkpoint of the last purge."""
        head = await self._head()
        text: str | None = await self._client().hget(self._key("head"), "checkpoint")  # type: ignore[assignment]  # decode_responses=True
        checkpoint = None if text is None else AuditCheckpoint(**json.loads(text))
        return AuditBounds(checkpoint=checkpoint, head=head)

    async def purge_audit(self, checkpoint: AuditCheckpoint) -> int:
        """Drop the entries up to ``checkpoint.seq`` and keep the checkpoint, in one script."""
        text = json.dumps(
            {
                "seq": checkpoint.seq,
                "hash": checkpoint.hash,
                "at": checkpoint.at,
                "signature": checkpoint.signature,
            }
        )
        return int(await self._script(PURGE, checkpoint.seq, text))
