"""The models every surface returns: Python, MCP structured content, OpenAI tool output."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, JsonValue

from agent_tools.core.input_requests import InputRequest
from agent_tools.core.records import ErrorInfo, EtaBasis, OperationRecord, ResultItem, RunMode
from agent_tools.core.status import OperationStatus


class ProgressView(BaseModel):
    """How far an operation is, how fast it goes and when it should finish."""

    current_step: int = Field(description="Steps done so far.")
    total_steps: int | None = Field(description="Steps in all, when known.")
    percentage: float | None = Field(description="Percent done, when the total is known.")
    eta_seconds: float | None = Field(
        description="Estimated seconds of work left; null until it can be estimated."
    )
    eta_low_seconds: float | None = Field(
        default=None,
        description="How sure the ETA is: the low end of the range it should fall in.",
    )
    eta_high_seconds: float | None = Field(
        default=None, description="The high end of the range the ETA should fall in."
    )
    eta_basis: EtaBasis | None = Field(
        default=None,
        description="What the ETA is judged from: 'history' (earlier runs of this type, "
        "before this run has data), 'current_run' (this run's rate) or 'blend' (both, the "
        "run's own rate weighing more as it gets on).",
    )
    rate_per_second: float | None = Field(description="Recent steps per second.")
    steps_completed: list[str] = Field(
        default_factory=list, description="Labels of the latest completed steps."
    )
    message: str | None = Field(default=None, description="The latest progress message.")


class AgentTaskView(BaseModel):
    """For agent-driven operations: what the agent saved, what is done and what is left."""

    saved_state: JsonValue = Field(
        default=None, description="The state you saved with record_progress; continue from it."
    )
    steps_done: list[str] = Field(default_factory=list)
    steps_remaining: list[str] = Field(
        default_factory=list, description="Planned steps not yet recorded as done."
    )
    notes: list[str] = Field(default_factory=list, description="The latest notes you recorded.")


class OperationView(BaseModel):
    """The state of one operation, and what to do next."""

    operation_id: str = Field(description="Pass this to resume, get_progress and the other tools.")
    operation_type: str
    status: OperationStatus
    mode: RunMode
    progress: ProgressView
    items: list[ResultItem] = Field(
        default_factory=list, description="New result items after the cursor you passed."
    )
    items_total: int = Field(description="Result items recorded so far.")
    dropped_items: int = Field(
        default=0,
        description="How many of the oldest result items are no longer kept (seq 1 to this): "
        "the run keeps only its newest ones. If its type folds them, item seq=dropped_items "
        "is their summary.",
    )
    skipped_items: int = Field(
        default=0,
        description="Dropped items that came after the cursor you passed, so these items "
        "start after a gap: at the summary or the oldest item kept. Not an error.",
    )
    next_cursor: str | None = Field(
        description="Pass as cursor to get the items after these (the cursor you passed "
        "when no new items were read; null means from the beginning)."
    )
    has_more: bool = Field(description="True when more items wait after next_cursor.")
    result: JsonValue = Field(default=None, description="The final result, once completed.")
    error: ErrorInfo | None = None
    agent_task: AgentTaskView | None = Field(
        default=None, description="Present for agent-driven operations (type agent_task)."
    )
    input_requests: dict[str, InputRequest] = Field(
        default_factory=dict,
        description="Questions the operation waits on, by key: answer them with provide_input. "
        "It does no work until every one is answered.",
    )
    held_elsewhere: bool = Field(
        default=False,
        description="True while another live process or worker holds the operation and runs "
        "it, so this server could not work on it now: follow it with get_progress and "
        "wait_ms instead of calling resume again.",
    )
    next_step: str = Field(description="What to call next, in plain words.")
    created_at: str
    updated_at: str


class OperationSummary(BaseModel):
    """One line of a list of operations."""

    operation_id: str
    operation_type: str
    status: OperationStatus
    mode: RunMode
    percentage: float | None
    current_step: int
    total_steps: int | None
    items_total: int
    created_at: str
    updated_at: str


class OperationList(BaseModel):
    """A page of operations, newest first."""

    operations: list[OperationSummary]
    next_cursor: str | None = Field(description="Pass as cursor for the next page.")
    has_more: bool


class OperationTypeInfo(BaseModel):
    """What an agent needs to start an operation of one type."""

    name: str
    version: int
    description: str
    agent_driven: bool = Field(
        description="True when the agent does the work itself and records it with record_progress."
    )
    input_schema: dict[str, Any]
    default_chunk_size: int
    adaptive_chunk_size: bool = Field(
        default=False,
        description="True when the server tunes the chunk size to the budget (unless you "
        "pass chunk_size): leave chunk_size out.",
    )
    default_priority: int = Field(
        default=0, description="The priority (0-9) of background runs that name none."
    )
    max_result_items: int | None = Field(
        default=None,
        description="Runs keep only this many of their newest result items (older ones are "
        "dropped or folded into a summary): read results as they come. Null keeps them all.",
    )


class OperationTypeList(BaseModel):
    operation_types: list[OperationTypeInfo]


def iso_time(epoch_s: float) -> str:
    """An epoch time as an ISO 8601 UTC string."""
    return datetime.fromtimestamp(epoch_s, tz=UTC).isoformat(timespec="milliseconds")


def summarize(record: OperationRecord) -> OperationSummary:
    from agent_tools.core.progress import percentage

    return OperationSummary(
        operation_id=record.operation_id,
        operation_type=record.operation_type,
        status=record.status,
        mode=record.settings.mode,
        percentage=percentage(record.progress.current_step, record.progress.total_steps),
        current_step=record.progress.current_step,
        total_steps=record.progress.total_steps,
        items_total=record.item_count,
        created_at=iso_time(record.created_at),
        updated_at=iso_time(record.updated_at),
    )
