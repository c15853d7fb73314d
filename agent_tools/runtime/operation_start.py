"""Turn a start request into a validated record, before anything is stored."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from typing import Any, TypedDict

from pydantic import BaseModel, ValidationError

from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import (
    InvalidInputError,
    OperationConflictError,
    validation_problems,
)
from agent_tools.core.limits import LimitExceededError, Limits, check_size
from agent_tools.core.principals import Role, current_principal
from agent_tools.core.priorities import check_priority
from agent_tools.core.records import (
    OperationQuery,
    OperationRecord,
    ProgressRecord,
    RunMode,
    RunSettings,
)
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store

MAX_OPERATION_ID_LENGTH = 128
SMALLER_HINT = "Send less: split the work, or keep large data in files and pass their paths."
LIVE = (OperationStatus.PENDING, OperationStatus.RUNNING, OperationStatus.PAUSED)


def validate_input(definition: OperationType, raw_input: Any) -> BaseModel:
    """The input as the type's model, or :class:`InvalidInputError` naming each problem."""
    if isinstance(raw_input, str):
        with contextlib.suppress(json.JSONDecodeError):
            raw_input = json.loads(raw_input)
    try:
        return definition.input_model.model_validate(raw_input)
    except ValidationError as invalid:
        problems = "; ".join(validation_problems(invalid))
        raise InvalidInputError(
            f"Input for {definition.name!r} is invalid: {problems}.",
            f"Pass input matching this JSON Schema: "
            f"{json.dumps(definition.input_schema(), separators=(',', ':'))[:1500]}",
            operation_type=definition.name,
        ) from invalid


def _positive(name: str, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise InvalidInputError(f"{name} must be at least 1, got {value}.", f"Pass {name} >= 1.")
    return value


def check_operation_id(operation_id: str) -> str:
    if (
        not operation_id
        or len(operation_id) > MAX_OPERATION_ID_LENGTH
        or not all(ch.isalnum() or ch in "-_.:" for ch in operation_id)
    ):
        raise InvalidInputError(
            f"operation_id {operation_id!r} is not a valid id.",
            "Use 1-128 letters, digits, '-', '_', '.' or ':'; or omit it to get a new id.",
        )
    return operation_id


class RunChoices(TypedDict, total=False):
    """What a caller may choose for a new run; whatever is left out comes from its type.

    ``operation_id`` names the run (default: a new id), ``mode`` is ``inline`` (the
    default) or ``background``; ``retention_s`` (how long the run is kept once it
    ended), ``max_result_items`` (how many of the newest result items it keeps) and
    the rest override the type's.
    """

    operation_id: str | None
    mode: RunMode
    chunk_size: int | None
    checkpoint_interval: int | None
    timeout_ms: int | None
    chunk_timeout_ms: int | None
    total_steps: int | None
    priority: int | None
    retention_s: float | None
    max_result_items: int | None


def new_record(
    definition: OperationType, input_value: BaseModel, choices: RunChoices, owner: str | None
) -> OperationRecord:
    """A pending record for a new run; raises :class:`InvalidInputError` on bad choices."""
    mode = choices.get("mode", "inline")
    chunk_size = choices.get("chunk_size")
    retention_s = choices.get("retention_s")
    if retention_s is not None and retention_s <= 0:
        raise InvalidInputError(
            f"retention_s must be positive, got {retention_s}.",
            "Omit it to keep the run for its type's retention.",
        )
    if mode not in ("inline", "background"):
        raise InvalidInputError(
            f"mode must be 'inline' or 'background', got {mode!r}.",
            "Use inline (work only during calls) or background (keeps going between calls).",
        )
    settings = RunSettings(
        mode=mode,
        chunk_size=_positive("chunk_size", chunk_size) or definition.chunk_size,
        # A caller who names a chunk size gets that size; otherwise the type may tune it.
        adaptive_chunk_size=definition.adaptive_chunk_size and chunk_size is None,
        chunk_target_ms=definition.chunk_target_ms,
        max_chunk_size=definition.max_chunk_size,
        checkpoint_interval=_positive("checkpoint_interval", choices.get("checkpoint_interval"))
        or definition.checkpoint_interval,
        checkpoint_every_s=definition.checkpoint_every_s,
        timeout_ms=_positive("timeout_ms", choices.get("timeout_ms")) or definition.timeout_ms,
        chunk_timeout_ms=_positive("chunk_timeout_ms", choices.get("chunk_timeout_ms"))
        or definition.chunk_timeout_ms,
        retention_s=definition.retention_s if retention_s is None else retention_s,
        max_result_items=_positive("max_result_items", choices.get("max_result_items"))
        or definition.max_result_items,
    )
    planned = _positive("total_steps", choices.get("total_steps"))
    if planned is None and definition.plan is not None:
        planned = definition.plan(input_value)
    state = definition.initial_state(input_value) if definition.initial_state else None
    now = time.time()
    return OperationRecord(
        operation_id=_operation_id(choices.get("operation_id"), definition),
        operation_type=definition.name,
        type_version=definition.version,
        owner=owner,
        input=input_value.model_dump(mode="json"),
        settings=settings,
        state=state,
        progress=ProgressRecord(total_steps=planned),
        priority=_priority(choices.get("priority"), definition),
        created_at=now,
        updated_at=now,
    )


def _operation_id(chosen: str | None, definition: OperationType) -> str:
    return check_operation_id(chosen) if chosen else f"{definition.name}-{uuid.uuid4().hex[:12]}"


def _priority(chosen: int | None, definition: OperationType) -> int:
    return definition.priority if chosen is None else check_priority(chosen)


def check_same_request(existing: OperationRecord, requested: OperationRecord) -> None:
    """A known id may only be reused for the same type and input."""
    if existing.operation_type != requested.operation_type:
        raise OperationConflictError(existing.operation_id, "operation_type")
    if existing.input != requested.input:
        raise OperationConflictError(existing.operation_id, "input")


async def check_start_limits(store: Store, requested: OperationRecord, limits: Limits) -> None:
    """Refuse a new operation over the input size or its owner's live-operation limit.

    Admins are exempt from the count; continuing an existing run adds nothing. Two
    starts racing may pass the count together: the limit is a quota, not a lock.
    """
    check_size("The input", requested.input, limits.input_bytes, SMALLER_HINT)
    principal = current_principal()
    if principal.has_role(Role.ADMIN):
        return
    if await store.get_operation(requested.operation_id) is not None:
        return
    live = 0
    for status in LIVE:
        query = OperationQuery(status=status, owner=requested.owner, limit=limits.live_operations)
        live += len((await store.list_operations(query)).records)
    if live >= limits.live_operations:
        raise LimitExceededError(
            f"The live operations of {principal.name!r}",
            live + 1,
            limits.live_operations,
            "Let some end, or cancel the ones you no longer need (list_operations).",
        )
