"""Agent-driven operations: the agent does the work and checkpoints each step here."""

from __future__ import annotations

import time

from pydantic import JsonValue

from agent_tools.core.agent_ledger import AgentLedger
from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import InvalidInputError, OperationBusyError
from agent_tools.core.principals import current_principal
from agent_tools.core.progress import eta_seconds, smoothed_rate
from agent_tools.core.records import (
    STEP_LABELS_KEPT,
    Checkpoint,
    Event,
    LeaseRequest,
    OperationRecord,
    ProgressRecord,
)
from agent_tools.core.status import OperationStatus, check_transition
from agent_tools.stores.base import Store

RECORD_LEASE_TTL_S = 10.0


def check_agent_driven(definition: OperationType, record: OperationRecord) -> None:
    """Refuse record_progress on an operation whose chunks run on the server."""
    if not definition.agent_driven:
        raise InvalidInputError(
            f"Operation {record.operation_id!r} ({record.operation_type}) runs on the server; "
            "record_progress is for agent-driven operations.",
            "Call resume to run it, or start an agent_task for work you do yourself.",
        )


async def record_agent_progress(
    store: Store,
    record: OperationRecord,
    *,
    holder_id: str,
    type_version: int,
    completed_steps: list[str],
    state: JsonValue,
    notes: str | None,
    completed: bool,
) -> None:
    """Commit one step of an agent-driven operation: steps done, saved state, notes."""
    if not all(isinstance(step, str) and step for step in completed_steps):
        raise InvalidInputError(
            "completed_steps must be a list of non-empty strings.",
            'Pass the labels of the steps you just finished, e.g. ["download data"].',
        )
    status = OperationStatus.COMPLETED if completed else OperationStatus.RUNNING
    if record.status is not status:
        check_transition(record.operation_id, record.status, status)
    now = time.time()
    request = LeaseRequest(
        operation_id=record.operation_id, holder=holder_id, ttl_s=RECORD_LEASE_TTL_S
    )
    lease = await store.acquire_lease(request, now)
    if lease is None:
        raise OperationBusyError(record.operation_id, record.lease_holder or "another caller")
    fresh = await store.get_operation(record.operation_id) or record
    ledger = AgentLedger.from_state(fresh.state).recorded(completed_steps, state, notes)
    new_progress = _progress_after(fresh, len(ledger.done), completed_steps, notes, completed, now)
    retention = fresh.settings.retention_s
    outcome = await store.commit_checkpoint(
        Checkpoint(
            operation_id=fresh.operation_id,
            lease_token=lease.token,
            expected_status=fresh.status,
            status=status,
            type_version=type_version,
            input=None,  # unchanged: an agent's step never rewrites (or re-seals) the input
            state=ledger.model_dump(mode="json"),
            progress=new_progress,
            next_chunk_index=fresh.next_chunk_index + 1,
            items=[{"step": step, "notes": notes} for step in completed_steps],
            result=ledger.model_dump(mode="json") if completed else None,
            event=Event(
                kind="agent_progress",
                at=now,
                detail={"completed_steps": list(completed_steps), "completed": completed},
            ),
            expires_at=now + retention if completed and retention else None,
            release_lease=True,
            actor=current_principal().name,
        )
    )
    if outcome != "committed":
        await store.release_lease(lease)
        raise OperationBusyError(record.operation_id, "another caller")


def _progress_after(
    record: OperationRecord,
    done_count: int,
    completed_steps: list[str],
    notes: str | None,
    completed: bool,
    now: float,
) -> ProgressRecord:
    """The progress once ``done_count`` steps are done, its rate from the time since the last."""
    progress = record.progress
    advanced = done_count - progress.current_step
    rate = smoothed_rate(progress.rate_per_second, advanced, now - record.updated_at)
    return progress.model_copy(
        update={
            "current_step": done_count,
            "rate_per_second": rate,
            "eta_seconds": 0.0
            if completed
            else eta_seconds(done_count, progress.total_steps, rate),
            "steps_completed": [*progress.steps_completed, *completed_steps][-STEP_LABELS_KEPT:],
            "message": notes or progress.message,
        }
    )
