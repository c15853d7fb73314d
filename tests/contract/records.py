"""Builders of records and checkpoints for the contract suite."""

from __future__ import annotations

import itertools
import time
from typing import Any

from agent_tools.core.input_requests import InputRound
from agent_tools.core.records import (
    Checkpoint,
    ErrorInfo,
    Event,
    Lease,
    OperationRecord,
    ProgressRecord,
    RunSettings,
    StatusChange,
)
from agent_tools.core.status import OperationStatus

_numbers = itertools.count(1)


def new_record(
    operation_id: str | None = None,
    *,
    status: OperationStatus = OperationStatus.PENDING,
    operation_type: str = "count",
    mode: str = "inline",
    created_at: float | None = None,
    **fields: Any,
) -> OperationRecord:
    number = next(_numbers)
    now = created_at if created_at is not None else time.time() + number * 1e-6
    return OperationRecord(
        operation_id=operation_id or f"op-{number}",
        operation_type=operation_type,
        type_version=1,
        owner="alice",
        input={"total": 3, "nested": {"a": [1, 2.5, None, "x"]}},
        settings=RunSettings(mode=mode),  # type: ignore[arg-type]
        state={"n": 0},
        status=status,
        progress=ProgressRecord(total_steps=3),
        created_at=now,
        updated_at=now,
        **fields,
    )


def checkpoint(
    lease: Lease,
    *,
    expected: OperationStatus = OperationStatus.RUNNING,
    status: OperationStatus = OperationStatus.RUNNING,
    items: list[Any] | None = None,
    step: int = 1,
    release: bool = False,
    error: ErrorInfo | None = None,
    result: Any = None,
    expires_at: float | None = None,
    input_round: InputRound | None = None,
) -> Checkpoint:
    return Checkpoint(
        operation_id=lease.operation_id,
        lease_token=lease.token,
        expected_status=expected,
        status=status,
        type_version=1,
        input={"total": 3, "nested": {"a": [1, 2.5, None, "x"]}},
        state={"n": step},
        progress=ProgressRecord(current_step=step, total_steps=3, rate_per_second=2.0),
        next_chunk_index=step,
        items=items if items is not None else [{"n": step}],
        result=result,
        error=error,
        input_round=input_round,
        event=Event(kind="checkpoint", at=time.time(), detail={"step": step}),
        expires_at=expires_at,
        release_lease=release,
    )


def status_change(
    operation_id: str, expected: set[OperationStatus], status: OperationStatus
) -> StatusChange:
    return StatusChange(
        operation_id=operation_id,
        expected=frozenset(expected),
        status=status,
        event=Event(kind=status.value, at=time.time()),
    )
