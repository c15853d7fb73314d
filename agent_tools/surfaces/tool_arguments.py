"""The arguments of every tool, as pydantic models built from shared field definitions.

An argument several tools take (``operation_id``, ``budget_ms``, ``cursor``,
``wait_ms``, ``limit``) is defined once here as an annotated type, so its
description and bounds read the same in every tool's schema. The models are the
one source of the MCP input schemas, the OpenAI function parameters and
``schemas/``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from agent_tools.core.input_requests import InputResponse
from agent_tools.core.records import RunMode

OperationId = Annotated[
    str, Field(description="The operation_id returned when the operation was started.")
]
BudgetMs = Annotated[
    int | None,
    Field(ge=0, description="How long this call may work before it returns (ms)."),
]
NewItemsCursor = Annotated[
    str | None,
    Field(description="next_cursor from your previous response: only newer items come back."),
]
PageCursor = Annotated[
    str | None, Field(description="next_cursor of the previous page; omit for the first.")
]
WaitMs = Annotated[
    int | None,
    Field(
        ge=0,
        description="Wait up to this long for progress to change before answering "
        "(long-poll), instead of calling again and again.",
    ),
]
PositiveCount = Annotated[int | None, Field(ge=1)]

StatusFilter = Literal["pending", "running", "paused", "completed", "failed", "cancelled"]


class ToolArguments(BaseModel):
    """Base of every tool's arguments: an unknown argument is an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


class ExecuteIncrementallyArguments(ToolArguments):
    operation_type: str = Field(description="Which registered operation type to run.")
    input: dict[str, JsonValue] = Field(
        description="The operation's input; its schema is in describe_operation_types."
    )
    operation_id: str | None = Field(
        default=None,
        description="Your own id for the run. Calling again with the same id and input "
        "continues the same run instead of starting a second one.",
    )
    budget_ms: BudgetMs = None
    mode: RunMode | None = Field(
        default=None,
        description="inline (default): work only happens during calls. background: the "
        "server keeps working between calls; poll get_progress.",
    )
    chunk_size: PositiveCount = Field(default=None, description="Units of work per chunk.")
    checkpoint_interval: PositiveCount = Field(
        default=None, description="Chunks per durable checkpoint (default 1)."
    )
    timeout_ms: PositiveCount = Field(
        default=None,
        description="Time limit of the whole operation, in ms of active run time; "
        "over it the run fails with code timeout.",
    )
    chunk_timeout_ms: PositiveCount = Field(
        default=None, description="Time limit of one chunk (ms)."
    )
    total_steps: PositiveCount = Field(
        default=None, description="Total steps, when you know it better than the type."
    )
    priority: int | None = Field(
        default=None,
        ge=0,
        le=9,
        description="For background runs: 0 (default) to 9 (most urgent); higher ones "
        "start first when the server or the worker fleet is busy, and waiting ones move up.",
    )


class OperationIdArguments(ToolArguments):
    operation_id: OperationId


class GetProgressArguments(ToolArguments):
    operation_id: OperationId
    wait_ms: WaitMs = None


class ResumeArguments(ToolArguments):
    operation_id: OperationId
    budget_ms: BudgetMs = None
    cursor: NewItemsCursor = None


class ProvideInputArguments(ToolArguments):
    operation_id: OperationId
    responses: dict[str, InputResponse] = Field(
        description="Answers by the keys of the operation's input_requests: "
        '{"<key>": {"action": "accept", "content": {...}}}; content matches the '
        "question's requested_schema. Use action decline or cancel to refuse."
    )
    budget_ms: BudgetMs = None
    cursor: NewItemsCursor = None


class GetResultsArguments(ToolArguments):
    operation_id: OperationId
    cursor: PageCursor = None
    limit: PositiveCount = Field(default=None, description="Most items to return.")


class CancelArguments(ToolArguments):
    operation_id: OperationId
    reason: str | None = Field(default=None, description="Why, kept in the audit log.")


class ListOperationsArguments(ToolArguments):
    status: StatusFilter | None = Field(
        default=None, description="Only operations with this status."
    )
    operation_type: str | None = Field(default=None, description="Only this operation type.")
    limit: PositiveCount = Field(default=None, le=200, description="Most operations to list.")
    cursor: PageCursor = None


class DescribeOperationTypesArguments(ToolArguments):
    pass


class RecordProgressArguments(ToolArguments):
    operation_id: OperationId
    completed_steps: list[str] = Field(
        description="Labels of the steps you finished since your last record_progress."
    )
    state: JsonValue = Field(
        default=None,
        description="Everything you need to carry on later (replaces the saved state).",
    )
    notes: str | None = Field(default=None, description="What you found or decided.")
    completed: bool | None = Field(default=None, description="True when the whole task is done.")
