"""The checkpoint loop every store figure uses: one ~200-byte state, one item, one event."""

from __future__ import annotations

import time

from agent_tools.core.records import (
    Checkpoint,
    Event,
    LeaseRequest,
    OperationRecord,
    ProgressRecord,
)
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store

STATE_PADDING = "s" * 160


async def checkpoints_per_second(store: Store, steps: int) -> float:
    """Open ``store``, commit ``steps`` checkpoints under one lease, close it."""
    await store.open()
    try:
        now = time.time()
        record = OperationRecord(
            operation_id=f"bench-{now}",
            operation_type="spin",
            type_version=1,
            input={},
            created_at=now,
            updated_at=now,
            status=OperationStatus.RUNNING,
        )
        await store.create_operation(record)
        lease = await store.acquire_lease(
            LeaseRequest(operation_id=record.operation_id, holder="bench", ttl_s=3600), now
        )
        assert lease is not None
        started = time.perf_counter()
        for step in range(steps):
            outcome = await store.commit_checkpoint(
                Checkpoint(
                    operation_id=record.operation_id,
                    lease_token=lease.token,
                    expected_status=OperationStatus.RUNNING,
                    status=OperationStatus.RUNNING,
                    type_version=1,
                    input={},
                    state={"n": step, "padding": STATE_PADDING},
                    progress=ProgressRecord(current_step=step),
                    next_chunk_index=step + 1,
                    items=[{"n": step}],
                    event=Event(kind="checkpoint", at=time.time()),
                )
            )
            assert outcome == "committed"
        rate = steps / (time.perf_counter() - started)
        drop = getattr(store, "drop_everything", None)
        if drop is not None:
            await drop()
        return rate
    finally:
        await store.close()
