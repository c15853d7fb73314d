"""What a store keeps: operation records, checkpoints, result items, events."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from agent_tools.core.audit import SYSTEM_PRINCIPAL
from agent_tools.core.input_requests import InputRequest, InputRound
from agent_tools.core.status import OperationStatus

RunMode = Literal["inline", "background"]
EtaBasis = Literal["current_run", "history", "blend"]

STEP_LABELS_KEPT = 20
"""How many labels of completed steps a progress record keeps (the latest ones)."""


class ErrorInfo(BaseModel):
    """An error as an agent sees it."""

    code: str
    message: str
    hint: str


class ExpectedRun(BaseModel):
    """How long earlier runs of the type say this whole run takes (active seconds)."""

    seconds: float
    low_seconds: float
    high_seconds: float
    samples: int


class ProgressRecord(BaseModel):
    """Progress as stored; the engine derives percentage and ETA from it."""

    current_step: int = 0
    total_steps: int | None = None
    rate_per_second: float | None = None
    eta_seconds: float | None = None
    eta_low_seconds: float | None = None
    eta_high_seconds: float | None = None
    eta_basis: EtaBasis | None = None
    """What the ETA is judged from: this run's own rate, earlier runs of its type, or both."""
    expected: ExpectedRun | None = None
    """Set at the start from the type's history; weighs less as the run gets on."""
    steps_completed: list[str] = Field(default_factory=list)
    message: str | None = None
    active_seconds: float = 0.0
    chunk_size: int | None = None
    """The size an adaptive run tuned its chunks to; None while it uses the run's setting."""
    seconds_per_unit: float | None = None
    """An adaptive run's estimate of what one unit of a chunk costs."""


class RunSettings(BaseModel):
    """Per-run settings, chosen at start from the type's defaults and the caller's overrides."""

    mode: RunMode = "inline"
    chunk_size: int = 1
    checkpoint_interval: int = 1
    checkpoint_every_s: float | None = None
    timeout_ms: int | None = None
    chunk_timeout_ms: int | None = None
    retention_s: float | None = None
    adaptive_chunk_size: bool = False
    """Tune the chunk size so that a chunk takes ``chunk_target_ms`` (see runtime.chunk_sizing)."""
    chunk_target_ms: int | None = None
    """How long an adaptive chunk should take; None means a fifth of the budget."""
    max_chunk_size: int = 100_000
    max_result_items: int | None = None
    """Keep only this many of the newest result items (see core.result_caps); None keeps all."""

    @model_validator(mode="before")
    @classmethod
    def _accept_old_names(cls, data: Any) -> Any:
        # Records stored before checkpoint_interval was named carry the old key.
        if isinstance(data, dict) and "checkpoint_every_chunks" in data:
            data = dict(data)
            old = data.pop("checkpoint_every_chunks")
            data.setdefault("checkpoint_interval", old)
        return data


class OperationRecord(BaseModel):
    """One run of an operation type, as the store holds it."""

    model_config = ConfigDict(validate_assignment=False)

    operation_id: str
    operation_type: str
    type_version: int
    owner: str | None = None
    input: dict[str, JsonValue]
    settings: RunSettings = Field(default_factory=RunSettings)
    state: JsonValue = None
    status: OperationStatus = OperationStatus.PENDING
    progress: ProgressRecord = Field(default_factory=ProgressRecord)
    next_chunk_index: int = 0
    item_count: int = 0
    """Result items ever recorded, dropped ones included: the seq of the newest."""
    dropped_items: int = 0
    """How many of the oldest items a capped log no longer holds as themselves (seq 1..n)."""
    result: JsonValue = None
    error: ErrorInfo | None = None
    input_round: InputRound | None = None
    """Questions the operation waits on (or whose answers its next chunk reads)."""
    created_at: float
    updated_at: float
    lease_holder: str | None = None
    lease_expires_at: float | None = None
    lease_token: int = 0
    priority: int = 0
    expires_at: float | None = None
    revision: int = 0


def waiting_for_input(record: OperationRecord) -> bool:
    """True while questions the operation asked are unanswered: it must not run until then."""
    return record.input_round is not None and not record.input_round.complete


def held_elsewhere(record: OperationRecord, holder: str, now: float) -> bool:
    """True while a live lease of another holder than ``holder`` runs the operation."""
    return (
        record.status is OperationStatus.RUNNING
        and record.lease_holder is not None
        and record.lease_holder != holder
        and record.lease_expires_at is not None
        and record.lease_expires_at > now
    )


def open_questions(record: OperationRecord) -> dict[str, InputRequest]:
    """The questions the operation waits on now, by key; none once it has ended."""
    if record.status.is_terminal or record.input_round is None:
        return {}
    return record.input_round.outstanding


class LeaseRequest(BaseModel):
    """Who asks for an operation's lease and for how long.

    ``dead_holder`` is a holder the caller proved dead (a crashed process on this
    host): its lease may be taken over though it has not expired yet.
    """

    operation_id: str
    holder: str
    ttl_s: float
    dead_holder: str | None = None


class Lease(BaseModel):
    """The right to run an operation until ``expires_at``; ``token`` fences late writers."""

    operation_id: str
    holder: str
    token: int
    expires_at: float


class Event(BaseModel):
    """One line of an operation's append-only audit log."""

    kind: str
    at: float
    detail: dict[str, JsonValue] = Field(default_factory=dict)


class ResultItem(BaseModel):
    """One output of an operation, numbered from 1 in commit order."""

    seq: int
    output: JsonValue


class Checkpoint(BaseModel):
    """Everything one commit writes, atomically, under a lease.

    The store applies it only when the operation's lease token still equals
    ``lease_token`` and its status still equals ``expected_status``.
    """

    operation_id: str
    lease_token: int
    expected_status: OperationStatus
    status: OperationStatus
    type_version: int
    """Written every time: a run migrated to a newer version of its type keeps it."""
    input: dict[str, JsonValue] | None = None
    """The input, on the first commit of a run (a migration may have rewritten it); None
    keeps the stored one, so a chunk's commit does not write (and seal) the input again."""
    state: JsonValue
    progress: ProgressRecord
    next_chunk_index: int
    items: list[JsonValue] = Field(default_factory=list)
    result: JsonValue = None
    error: ErrorInfo | None = None
    input_round: InputRound | None = None
    """Written every time: None once the answers were read, a new round when a chunk asks."""
    event: Event
    expires_at: float | None = None
    release_lease: bool = False
    actor: str = SYSTEM_PRINCIPAL
    """Who the audit log names if this commit moves the status (the engine unless told)."""


CommitOutcome = Literal["committed", "lease_lost", "status_changed"]


class StatusChange(BaseModel):
    """A compare-and-set of the status, made without holding the lease (pause, cancel)."""

    operation_id: str
    expected: frozenset[OperationStatus]
    status: OperationStatus
    event: Event
    error: ErrorInfo | None = None
    result: JsonValue = None
    expires_at: float | None = None
    actor: str = SYSTEM_PRINCIPAL
    """Who made the change, as the audit log names them."""


class InputRoundChange(BaseModel):
    """Answers recorded without the lease: a compare-and-set on the record's revision.

    ``status`` is written in the same step, so a background operation whose last
    question was answered is ``running`` (and picked up) the moment the answer is stored.
    """

    operation_id: str
    expected_revision: int
    input_round: InputRound
    status: OperationStatus
    event: Event
    actor: str = SYSTEM_PRINCIPAL
    """Who answered, as the audit log names them."""


class OperationQuery(BaseModel):
    """A filter and a page position for listing operations, newest first."""

    status: OperationStatus | None = None
    operation_type: str | None = None
    owner: str | None = None
    limit: int = 50
    before: tuple[float, str] | None = None
    """Position after which to continue: the (created_at, operation_id) of the last row seen."""

    def matches(self, record: OperationRecord) -> bool:
        """Whether ``record`` passes the filters and lies after the page position."""
        position = (record.created_at, record.operation_id)
        return (
            (self.status is None or record.status is self.status)
            and (self.operation_type is None or record.operation_type == self.operation_type)
            and (self.owner is None or record.owner == self.owner)
            and (self.before is None or position < self.before)
        )


class OperationPage(BaseModel):
    records: list[OperationRecord]
    has_more: bool
