"""Agent-driven operations: the agent does the work and checkpoints each step here."""

from __future__ import annotations

import time

from pydantic import JsonValue

from agent_tools.core.agent_ledger import AgentLedger
from agent_tools.core.errors import InvalidInputError, OperationBusyError
from agent_tools.core.progress import eta_seconds, smoothed_rate
from agent_tools.core.records import STEP_LABELS_KEPT, Checkpoint, Event, OperationRecord
from agent_tools.core.status import OperationStatus, check_transition
from agent_tools.stores.base import Store

RECORD_LEASE_TTL_S = 10.0


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
    lease = await store.acquire_lease(record.operation_id, holder_id, RECORD_LEASE_TTL_S, now)
    if lease is None:
        raise OperationBusyError(record.operation_id, record.lease_holder or "another caller")
    fresh = await store.get_operation(record.operation_id) or record
    ledger = AgentLedger.from_state(fresh.state).recorded(completed_steps, state, notes)
    done = ledger.done
    progress = fresh.progress
    advanced = len(done) - progress.current_step
    rate = smoothed_rate(progress.rate_per_second, advanced, now - fresh.updated_at)
    labels = [*progress.steps_completed, *completed_steps][-STEP_LABELS_KEPT:]
    total = progress.total_steps
    new_progress = progress.model_copy(
        update={
            "current_step": len(done),
            "rate_per_second": rate,
            "eta_seconds": 0.0 if completed else eta_seconds(len(done), total, rate),
            "steps_completed": labels,
            "message": notes or progress.message,
        }
    )
    retention = fresh.settings.retention_s
    outcome = await store.commit_checkpoint(
        Checkpoint(
            operation_id=fresh.operation_id,
            lease_token=lease.token,
            expected_status=fresh.status,
            status=status,
            type_version=type_version,
            input=fresh.input,
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
        )
    )
    if outcome != "committed":
        await store.release_lease(lease)
        raise OperationBusyError(record.operation_id, "another caller")
