"""The tools, defined once: name, description, arguments model, result model and the engine call.

The MCP server and the OpenAI function layer are two faces of this one catalog.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError

from agent_tools.core.errors import InvalidInputError, validation_problems
from agent_tools.core.input_requests import InputResponse
from agent_tools.core.registry import OperationRegistry
from agent_tools.core.views import OperationList, OperationTypeList, OperationView
from agent_tools.runtime.engine import Engine, OnProgress

OPERATION_ID = Field(description="The operation_id returned when the operation was started.")


class _Arguments(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExecuteIncrementallyArguments(_Arguments):
    operation_type: str = Field(description="Which registered operation type to run.")
    input: dict[str, JsonValue] = Field(
        description="The operation's input; its schema is in describe_operation_types."
    )
    operation_id: str | None = Field(
        default=None,
        description="Your own id for the run. Calling again with the same id and input "
        "continues the same run instead of starting a second one.",
    )
    budget_ms: int | None = Field(
        default=None, ge=0, description="How long this call may work before it returns (ms)."
    )
    mode: Literal["inline", "background"] | None = Field(
        default=None,
        description="inline (default): work only happens during calls. background: the "
        "server keeps working between calls; poll get_progress.",
    )
    chunk_size: int | None = Field(default=None, ge=1, description="Units of work per chunk.")
    checkpoint_interval: int | None = Field(
        default=None, ge=1, description="Chunks per durable checkpoint (default 1)."
    )
    timeout_ms: int | None = Field(
        default=None,
        ge=1,
        description="Time limit of the whole operation, in ms of active run time; "
        "over it the run fails with code timeout.",
    )
    chunk_timeout_ms: int | None = Field(
        default=None, ge=1, description="Time limit of one chunk (ms)."
    )
    total_steps: int | None = Field(
        default=None, ge=1, description="Total steps, when you know it better than the type."
    )
    priority: int | None = Field(
        default=None,
        ge=0,
        le=9,
        description="For background runs: 0 (default) to 9 (most urgent); higher ones "
        "start first when the server or the worker fleet is busy, and waiting ones move up.",
    )


class OperationIdArguments(_Arguments):
    operation_id: str = OPERATION_ID


class GetProgressArguments(_Arguments):
    operation_id: str = OPERATION_ID
    wait_ms: int | None = Field(
        default=None,
        ge=0,
        description="Wait up to this long for progress to change before answering "
        "(long-poll), instead of calling again and again.",
    )


class ResumeArguments(_Arguments):
    operation_id: str = OPERATION_ID
    budget_ms: int | None = Field(
        default=None, ge=0, description="How long this call may work before it returns (ms)."
    )
    cursor: str | None = Field(
        default=None,
        description="next_cursor from your previous response: only newer items come back.",
    )


class ProvideInputArguments(_Arguments):
    operation_id: str = OPERATION_ID
    responses: dict[str, InputResponse] = Field(
        description="Answers by the keys of the operation's input_requests: "
        '{"<key>": {"action": "accept", "content": {...}}}; content matches the '
        "question's requested_schema. Use action decline or cancel to refuse."
    )
    budget_ms: int | None = Field(
        default=None,
        ge=0,
        description="Once every question is answered, how long this call may work (ms).",
    )
    cursor: str | None = Field(
        default=None,
        description="next_cursor from your previous response: only newer items come back.",
    )


class GetResultsArguments(_Arguments):
    operation_id: str = OPERATION_ID
    cursor: str | None = Field(
        default=None, description="next_cursor from the previous page; omit for the first."
    )
    limit: int | None = Field(default=None, ge=1, description="Most items to return.")


class CancelArguments(_Arguments):
    operation_id: str = OPERATION_ID
    reason: str | None = Field(default=None, description="Why, kept in the audit log.")


class ListOperationsArguments(_Arguments):
    status: Literal["pending", "running", "paused", "completed", "failed", "cancelled"] | None = (
        Field(default=None, description="Only operations with this status.")
    )
    operation_type: str | None = Field(default=None, description="Only this operation type.")
    limit: int | None = Field(default=None, ge=1, le=200, description="Most operations to list.")
    cursor: str | None = Field(default=None, description="next_cursor of the previous page.")


class DescribeOperationTypesArguments(_Arguments):
    pass


class RecordProgressArguments(_Arguments):
    operation_id: str = OPERATION_ID
    completed_steps: list[str] = Field(
        description="Labels of the steps you finished since your last record_progress."
    )
    state: JsonValue = Field(
        default=None,
        description="Everything you need to carry on later (replaces the saved state).",
    )
    notes: str | None = Field(default=None, description="What you found or decided.")
    completed: bool | None = Field(default=None, description="True when the whole task is done.")


Invoke = Callable[[Engine, BaseModel, OnProgress | None], Awaitable[BaseModel]]


@dataclass(frozen=True)
class ToolSpec:
    """One tool as every surface exposes it."""

    name: str
    description: str
    arguments_model: type[BaseModel]
    result_model: type[BaseModel]
    call: Invoke

    async def invoke(
        self, engine: Engine, arguments: BaseModel, *, on_progress: OnProgress | None = None
    ) -> BaseModel:
        """Run the tool through ``engine`` with already validated ``arguments``."""
        return await self.call(engine, arguments, on_progress)


async def _execute(
    engine: Engine, arguments: BaseModel, on_progress: OnProgress | None
) -> BaseModel:
    assert isinstance(arguments, ExecuteIncrementallyArguments)
    return await engine.execute_incrementally(
        arguments.operation_type,
        arguments.input,
        operation_id=arguments.operation_id,
        budget_ms=arguments.budget_ms,
        mode=arguments.mode or "inline",
        chunk_size=arguments.chunk_size,
        checkpoint_interval=arguments.checkpoint_interval,
        timeout_ms=arguments.timeout_ms,
        chunk_timeout_ms=arguments.chunk_timeout_ms,
        total_steps=arguments.total_steps,
        priority=arguments.priority,
        on_progress=on_progress,
    )


async def _get_progress(engine: Engine, arguments: BaseModel, _: OnProgress | None) -> BaseModel:
    assert isinstance(arguments, GetProgressArguments)
    return await engine.get_progress(arguments.operation_id, wait_ms=arguments.wait_ms or 0)


async def _resume(
    engine: Engine, arguments: BaseModel, on_progress: OnProgress | None
) -> BaseModel:
    assert isinstance(arguments, ResumeArguments)
    return await engine.resume(
        arguments.operation_id,
        budget_ms=arguments.budget_ms,
        cursor=arguments.cursor,
        on_progress=on_progress,
    )


async def _provide_input(
    engine: Engine, arguments: BaseModel, on_progress: OnProgress | None
) -> BaseModel:
    assert isinstance(arguments, ProvideInputArguments)
    return await engine.provide_input(
        arguments.operation_id,
        {key: answer.model_dump() for key, answer in arguments.responses.items()},
        budget_ms=arguments.budget_ms,
        cursor=arguments.cursor,
        on_progress=on_progress,
    )


async def _get_results(engine: Engine, arguments: BaseModel, _: OnProgress | None) -> BaseModel:
    assert isinstance(arguments, GetResultsArguments)
    return await engine.get_results(
        arguments.operation_id, cursor=arguments.cursor, limit=arguments.limit
    )


async def _pause(engine: Engine, arguments: BaseModel, _: OnProgress | None) -> BaseModel:
    assert isinstance(arguments, OperationIdArguments)
    return await engine.pause(arguments.operation_id)


async def _cancel(engine: Engine, arguments: BaseModel, _: OnProgress | None) -> BaseModel:
    assert isinstance(arguments, CancelArguments)
    return await engine.cancel(arguments.operation_id, reason=arguments.reason)


async def _list(engine: Engine, arguments: BaseModel, _: OnProgress | None) -> BaseModel:
    assert isinstance(arguments, ListOperationsArguments)
    return await engine.list_operations(
        status=arguments.status,
        operation_type=arguments.operation_type,
        limit=arguments.limit,
        cursor=arguments.cursor,
    )


async def _describe(engine: Engine, arguments: BaseModel, _: OnProgress | None) -> BaseModel:
    return engine.describe_operation_types()


async def _record(engine: Engine, arguments: BaseModel, _: OnProgress | None) -> BaseModel:
    assert isinstance(arguments, RecordProgressArguments)
    return await engine.record_progress(
        arguments.operation_id,
        completed_steps=arguments.completed_steps,
        state=arguments.state,
        notes=arguments.notes,
        completed=bool(arguments.completed),
    )


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "execute_incrementally",
        "Start a long operation and work on it for at most budget_ms, then return its "
        "status, progress with an ETA, the first result items and next_step. Nothing is "
        "lost when the call returns: the operation rests at its last durable checkpoint. "
        "Follow next_step (usually: call resume with the operation_id and next_cursor) "
        "until status is completed. Pass your own operation_id to make a retry of this "
        "call safe.",
        ExecuteIncrementallyArguments,
        OperationView,
        _execute,
    ),
    ToolSpec(
        "resume",
        "Continue an operation from its last checkpoint for at most budget_ms: after an "
        "earlier call returned, after a pause, a crash, a server restart or in a new "
        "conversation. Returns the result items after cursor, progress, ETA and next_step.",
        ResumeArguments,
        OperationView,
        _resume,
    ),
    ToolSpec(
        "provide_input",
        "Answer the questions an operation waits on (its input_requests, by key), e.g. a "
        "confirmation before it deletes something. Ask the user when the question needs a "
        "person. Once all are answered it continues, like resume, for budget_ms.",
        ProvideInputArguments,
        OperationView,
        _provide_input,
    ),
    ToolSpec(
        "get_progress",
        "Status, progress and ETA of an operation, without doing work. With wait_ms it "
        "waits until progress changes (use it to follow background operations without "
        "spending turns).",
        GetProgressArguments,
        OperationView,
        _get_progress,
    ),
    ToolSpec(
        "get_results",
        "Read an operation's result items, a bounded page at a time: pass next_cursor "
        "back until has_more is false.",
        GetResultsArguments,
        OperationView,
        _get_results,
    ),
    ToolSpec(
        "pause",
        "Pause an operation at its next chunk boundary; it keeps everything done so far. "
        "Call resume to continue.",
        OperationIdArguments,
        OperationView,
        _pause,
    ),
    ToolSpec(
        "cancel",
        "Stop an operation for good (a chunk in flight is interrupted). Results already "
        "recorded stay readable.",
        CancelArguments,
        OperationView,
        _cancel,
    ),
    ToolSpec(
        "list_operations",
        "List operations, newest first, optionally by status or type: use it to find "
        "an operation_id again after a conversation was lost.",
        ListOperationsArguments,
        OperationList,
        _list,
    ),
    ToolSpec(
        "describe_operation_types",
        "The operation types this server can run, each with its description and the JSON "
        "Schema of its input. Call it before execute_incrementally when unsure.",
        DescribeOperationTypesArguments,
        OperationTypeList,
        _describe,
    ),
    ToolSpec(
        "record_progress",
        "For agent_task operations, where YOU do the work: record the steps you finished, "
        "the state you need to continue and notes. A later resume (even in a new "
        "conversation) hands them back with the steps still to do.",
        RecordProgressArguments,
        OperationView,
        _record,
    ),
)


STARTING_TOOL = "execute_incrementally"


def catalog_schema(spec: ToolSpec, registry: OperationRegistry) -> tuple[dict[str, Any], str]:
    """A tool's input schema and description as a server with ``registry`` shows them.

    ``execute_incrementally`` lists the registered types: an enum on
    ``operation_type``, and a line per type in the description.
    """
    schema = spec.arguments_model.model_json_schema()
    if spec.name != STARTING_TOOL:
        return schema, spec.description
    types = registry.all_latest()
    schema["properties"]["operation_type"]["enum"] = [definition.name for definition in types]
    lines = [f"- {definition.name}: {_first_line(definition.description)}" for definition in types]
    description = (
        spec.description + "\n\nOperation types on this server (call describe_operation_types "
        "for the input schema of each):\n" + "\n".join(lines)
    )
    return schema, description


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "(no description)"


def invalid_arguments(tool_name: str, error: ValidationError) -> InvalidInputError:
    """The agent-facing error for arguments that do not match a tool's input schema."""
    problems = validation_problems(error, whole="(arguments)")
    return InvalidInputError(
        f"Invalid arguments for {tool_name}: {'; '.join(problems)}.",
        f"Fix the listed fields to match the input schema of {tool_name} and call it again.",
        problems=problems,
    )
