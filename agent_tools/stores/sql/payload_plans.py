"""Key rotation's plans for both SQL stores: payloads read as stored, replaced by a CAS."""

from __future__ import annotations

import json
from typing import Any

from agent_tools.core.stored_payloads import RECORD_PAYLOADS, PayloadKind, StoredPayload
from agent_tools.stores.columns import BY_NAME, dump, encode
from agent_tools.stores.sql.plan import Query, Steps, plan

LOGS = {"item": ("items", "seq", "output"), "event": ("events", "seq", "detail")}
"""Per log kind: its table, the column that orders it, and the column holding the payload."""


@plan("read")
def list_payloads(
    operation_id: str, kind: PayloadKind, after: int, limit: int
) -> Steps[list[StoredPayload]]:
    """Up to ``limit`` payloads of ``kind`` after position ``after``, in order."""
    if kind == "record":
        row = yield Query(
            f"SELECT {', '.join(RECORD_PAYLOADS)} FROM operations WHERE operation_id = $1",
            (operation_id,),
            "row",
        )
        texts = [] if row is None else list(enumerate(row, start=1))
        return [
            StoredPayload(
                operation_id=operation_id,
                kind=kind,
                position=position,
                value=BY_NAME[RECORD_PAYLOADS[position - 1]].decode(text),
                stored=text,
            )
            for position, text in texts
            if text is not None and position > after
        ][:limit]
    table, order, column = LOGS[kind]
    rows = yield Query(
        f"SELECT {order}, {column} FROM {table} WHERE operation_id = $1 AND {order} > $2 "
        f"ORDER BY {order} LIMIT $3",
        (operation_id, after, limit),
        "rows",
    )
    return [
        StoredPayload(
            operation_id=operation_id,
            kind=kind,
            position=row[0],
            value=json.loads(row[1]),
            stored=row[1],
        )
        for row in rows
    ]


@plan("write")
def replace_payload(payload: StoredPayload, value: Any) -> Steps[bool]:
    """Write ``value`` where ``payload`` is if it still holds ``payload.stored``; only that."""
    if payload.kind == "record":
        name = payload.field  # one of RECORD_PAYLOADS, never caller text
        row = yield Query(
            f"UPDATE operations SET {name} = $3 WHERE operation_id = $1 AND {name} = $2 "
            "RETURNING operation_id",
            (payload.operation_id, payload.stored, encode(name, value)),
            "row",
        )
        return row is not None
    table, order, column = LOGS[payload.kind]
    row = yield Query(
        f"UPDATE {table} SET {column} = $4 "
        f"WHERE operation_id = $1 AND {order} = $2 AND {column} = $3 RETURNING {order}",
        (payload.operation_id, payload.position, payload.stored, dump(value)),
        "row",
    )
    return row is not None
