"""How an operation record maps onto a row of the SQL stores (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from agent_tools.core.input_requests import InputRound
from agent_tools.core.records import ErrorInfo, OperationRecord, ProgressRecord, RunSettings
from agent_tools.core.status import OperationStatus

COLUMNS = (
    "operation_id, operation_type, type_version, owner, input, settings, state, status, "
    "progress, next_chunk_index, item_count, result, error, created_at, updated_at, "
    "lease_holder, lease_expires_at, lease_token, priority, expires_at, revision, input_round"
)
"""The columns a record is read from, in the order of :func:`to_record`."""

INSERT_COLUMNS = f"{COLUMNS}, mode"
"""The columns :func:`to_row` fills: the record's columns and the mode it is indexed by."""


def dump(value: Any) -> str:
    """JSON text for a column, compact so rows stay small."""
    return json.dumps(value, separators=(",", ":"))


def to_record(row: Sequence[Any]) -> OperationRecord:
    """The record held in a row selected as ``COLUMNS``."""
    return OperationRecord(
        operation_id=row[0],
        operation_type=row[1],
        type_version=row[2],
        owner=row[3],
        input=json.loads(row[4]),
        settings=RunSettings.model_validate_json(row[5]),
        state=json.loads(row[6]),
        status=OperationStatus(row[7]),
        progress=ProgressRecord.model_validate_json(row[8]),
        next_chunk_index=row[9],
        item_count=row[10],
        result=json.loads(row[11]),
        error=None if row[12] is None else ErrorInfo.model_validate_json(row[12]),
        created_at=row[13],
        updated_at=row[14],
        lease_holder=row[15],
        lease_expires_at=row[16],
        lease_token=row[17],
        priority=row[18],
        expires_at=row[19],
        revision=row[20],
        input_round=None if row[21] is None else InputRound.model_validate_json(row[21]),
    )


def to_row(record: OperationRecord) -> tuple[Any, ...]:
    """The values of ``INSERT_COLUMNS`` for a new record."""
    return (
        record.operation_id,
        record.operation_type,
        record.type_version,
        record.owner,
        dump(record.input),
        record.settings.model_dump_json(),
        dump(record.state),
        record.status.value,
        record.progress.model_dump_json(),
        record.next_chunk_index,
        record.item_count,
        dump(record.result),
        None if record.error is None else record.error.model_dump_json(),
        record.created_at,
        record.updated_at,
        record.lease_holder,
        record.lease_expires_at,
        record.lease_token,
        record.priority,
        record.expires_at,
        record.revision,
        dump_input_round(record.input_round),
        record.settings.mode,
    )


def dump_input_round(input_round: InputRound | None) -> str | None:
    """The ``input_round`` column: JSON, or NULL when the operation asked nothing."""
    return None if input_round is None else input_round.model_dump_json()
