"""The run history (ETA from earlier runs) as plans for both SQL stores."""

from __future__ import annotations

from agent_tools.core.eta_history import HISTORY_KEPT, RunSample
from agent_tools.stores.sql.plan import Query, Steps, plan


@plan("atomic")
def record_run(sample: RunSample) -> Steps[None]:
    """Add ``sample`` and keep only the newest ``HISTORY_KEPT`` of its type."""
    yield Query(
        "INSERT INTO run_history (operation_type, total_steps, active_seconds, finished_at) "
        "VALUES ($1, $2, $3, $4)",
        (sample.operation_type, sample.total_steps, sample.active_seconds, sample.finished_at),
    )
    yield Query(
        "DELETE FROM run_history WHERE operation_type = $1 AND id NOT IN "
        "(SELECT id FROM run_history WHERE operation_type = $1 ORDER BY id DESC LIMIT $2)",
        (sample.operation_type, HISTORY_KEPT),
    )


@plan("read")
def run_history(operation_type: str, limit: int) -> Steps[list[RunSample]]:
    """The newest samples of ``operation_type``, newest first."""
    rows = yield Query(
        "SELECT total_steps, active_seconds, finished_at FROM run_history "
        "WHERE operation_type = $1 ORDER BY id DESC LIMIT $2",
        (operation_type, limit),
        "rows",
    )
    return [
        RunSample(
            operation_type=operation_type,
            total_steps=row[0],
            active_seconds=row[1],
            finished_at=row[2],
        )
        for row in rows
    ]
