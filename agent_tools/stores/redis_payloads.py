"""Key rotation on the Redis store: payloads read from the hash and lists as stored.

The replacement itself is the ``REPLACE_PAYLOAD`` Lua script (a compare-and-set);
this module reads and prepares its arguments. An item is the list entry at
``seq - 1``; an event the entry at ``position - 1`` of the events list, stored
as the whole event's JSON, so its detail is replaced inside that JSON.
"""

from __future__ import annotations

import json
from typing import Any

import redis.asyncio as aioredis

from agent_tools.core.records import Event
from agent_tools.core.stored_payloads import RECORD_PAYLOADS, PayloadKind, StoredPayload
from agent_tools.stores.columns import BY_NAME, as_text, dump, encode

LISTS = {"item": "items", "event": "events"}


async def list_payloads(
    client: aioredis.Redis,
    prefix: str,
    operation_id: str,
    kind: PayloadKind,
    after: int,
    limit: int,
) -> list[StoredPayload]:
    """Up to ``limit`` payloads of ``kind`` after position ``after``, in order."""

    def payload(position: int, value: Any, stored: str) -> StoredPayload:
        return StoredPayload(
            operation_id=operation_id, kind=kind, position=position, value=value, stored=stored
        )

    if kind == "record":
        key = f"{prefix}:op:{operation_id}"
        texts: list[str | None] = await client.hmget(key, list(RECORD_PAYLOADS))  # type: ignore[assignment]  # decode_responses=True
        found = [
            payload(position, BY_NAME[RECORD_PAYLOADS[position - 1]].decode(text), text)
            for position, text in enumerate(texts, start=1)
            if text and position > after
        ]
        return found[:limit]
    key = f"{prefix}:{LISTS[kind]}:{operation_id}"
    entries: list[str] = await client.lrange(key, after, after + limit - 1)  # type: ignore[assignment]  # decode_responses=True
    return [
        payload(after + offset + 1, _entry_value(kind, entry), entry)
        for offset, entry in enumerate(entries)
    ]


def _entry_value(kind: PayloadKind, entry: str) -> Any:
    if kind == "event":
        return Event.model_validate_json(entry).detail
    return json.loads(entry)


def replacement(payload: StoredPayload, value: Any) -> list[str]:
    """The ``REPLACE_PAYLOAD`` arguments after the prefix: where, expected text, new text."""
    if payload.kind == "record":
        name = payload.field
        new = as_text(name, encode(name, value))
        return [payload.operation_id, "op", name, payload.stored, new]
    if payload.kind == "event":
        event = Event.model_validate_json(payload.stored)
        new = event.model_copy(update={"detail": value}).model_dump_json()
    else:
        new = dump(value)
    return [payload.operation_id, LISTS[payload.kind], str(payload.position), payload.stored, new]
