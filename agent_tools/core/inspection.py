"""What an operator sees of one operation beyond the agent's view: lease, checkpoints, events."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field, JsonValue

from agent_tools.core.records import Event, OperationRecord
from agent_tools.core.views import OperationView, iso_time

INPUT_SUMMARY_CHARS = 300
CHECKPOINTS_SHOWN = 10
CHECKPOINT_KINDS = frozenset({"checkpoint", "slice_ended", "completed", "input_requested"})
"""Event kinds written by a commit of chunk work (their detail names the chunks)."""


class CheckpointInfo(BaseModel):
    """One commit of chunk work: when, and which chunks it covered."""

    kind: str
    at: str
    first_chunk: int | None = None
    next_chunk: int | None = None


class LeaseInfo(BaseModel):
    """Who runs the operation now; ``expires_in_s`` is negative once the lease has lapsed."""

    holder: str
    expires_in_s: float | None
    token: int


class EventInfo(BaseModel):
    """One line of the audit log, with a readable time."""

    kind: str
    at: str
    detail: dict[str, JsonValue] = Field(default_factory=dict)


class OperationDetail(BaseModel):
    """Everything ``agent-tools ops show`` and the ``/ui`` detail page display."""

    view: OperationView
    input_summary: str = Field(description="The input as compact JSON, cut to a few hundred chars.")
    type_version: int
    owner: str | None
    priority: int
    chunk_size: int
    active_seconds: float = Field(description="Seconds spent running chunks so far.")
    next_chunk_index: int
    lease: LeaseInfo | None = Field(description="The live or last lease; None when never held.")
    checkpoints: list[CheckpointInfo] = Field(description="The latest commits, newest last.")
    events: list[EventInfo] = Field(description="The whole audit log, oldest first.")


def summarize_input(value: JsonValue, limit: int = INPUT_SUMMARY_CHARS) -> str:
    """``value`` as compact JSON, cut to ``limit`` characters with an ellipsis."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_detail(
    record: OperationRecord, view: OperationView, events: list[Event], now: float
) -> OperationDetail:
    """The operator's detail of ``record``, from its view and its audit log."""
    lease = None
    if record.lease_holder is not None:
        expires_in = (
            None if record.lease_expires_at is None else round(record.lease_expires_at - now, 3)
        )
        lease = LeaseInfo(
            holder=record.lease_holder, expires_in_s=expires_in, token=record.lease_token
        )
    checkpoints = [
        CheckpointInfo(
            kind=event.kind,
            at=iso_time(event.at),
            first_chunk=_int_or_none(event.detail.get("first_chunk")),
            next_chunk=_int_or_none(event.detail.get("next_chunk")),
        )
        for event in events
        if event.kind in CHECKPOINT_KINDS
    ][-CHECKPOINTS_SHOWN:]
    return OperationDetail(
        view=view,
        input_summary=summarize_input(record.input),
        type_version=record.type_version,
        owner=record.owner,
        priority=record.priority,
        chunk_size=record.settings.chunk_size,
        active_seconds=record.progress.active_seconds,
        next_chunk_index=record.next_chunk_index,
        lease=lease,
        checkpoints=checkpoints,
        events=[
            EventInfo(kind=event.kind, at=iso_time(event.at), detail=event.detail)
            for event in events
        ],
    )


def _int_or_none(value: JsonValue) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
