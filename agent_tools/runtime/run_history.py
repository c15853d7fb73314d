"""Keep what completed runs took, and give a new run the ETA its type's history says."""

from __future__ import annotations

import logging
import time

from agent_tools.core.eta_history import HISTORY_KEPT, estimate, expecting, sample_of
from agent_tools.core.records import OperationRecord, ProgressRecord
from agent_tools.stores.base import Store

logger = logging.getLogger(__name__)


async def remember_run(store: Store, record: OperationRecord, progress: ProgressRecord) -> None:
    """Add a completed run to its type's history; a failure to do so only loses the sample."""
    sample = sample_of(
        record.operation_type, progress.current_step, progress.active_seconds, time.time()
    )
    try:
        await store.record_run(sample)
    except Exception:
        logger.warning("could not keep the run history of %s", record.operation_id, exc_info=True)


async def with_expected_duration(store: Store, record: OperationRecord) -> OperationRecord:
    """``record`` (not yet stored) with the ETA earlier runs of its type give, if any."""
    samples = await store.run_history(record.operation_type, HISTORY_KEPT)
    expected = estimate(samples, record.progress.total_steps)
    if expected is None:
        return record
    return record.model_copy(update={"progress": expecting(record.progress, expected)})
