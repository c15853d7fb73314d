"""The tools, defined once: name, description, arguments model, result model and the engine call.

The MCP server and the OpenAI function layer are two faces of this one catalog:
both run a call through ``tool_outcome.run_tool`` and only format its outcome.

Each ``ToolSpec`` is generic in its arguments and result model, so a handler
receives its own validated arguments model, typed, and mypy checks that the
handler, the arguments model and the result model of a spec agree. Adding an
engine argument to a tool is one field on its model in ``tool_arguments`` (a
shared annotated type when other tools take it too) and one keyword in its
handler's engine call here; the schemas of MCP, OpenAI and ``schemas/`` follow
from the model (run ``agent-tools schema export``). tests/test_tool_catalog.py
adds a tool that way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from agent_tools.core.registry import OperationRegistry
from agent_tools.core.views import OperationList, OperationTypeList, OperationView
from agent_tools.runtime.engine import Engine, OnProgress
from agent_tools.surfaces.tool_arguments import (
    CancelArguments,
    DescribeOperationTypesArguments,
    ExecuteIncrementallyArguments,
    GetProgressArguments,
    GetResultsArguments,
    ListOperationsArguments,
    OperationIdArguments,
    ProvideInputArguments,
    RecordProgressArguments,
    ResumeArguments,
)

Args = TypeVar("Args", bound=BaseModel)
Result = TypeVar("Result", bound=BaseModel)


@dataclass(frozen=True)
class ToolCall(Generic[Args]):
    """What a handler works with: the engine, its validated arguments, where progress goes."""

    engine: Engine
    arguments: Args
    on_progress: OnProgress | None = None


@dataclass(frozen=True)
class ToolSpec(Generic[Args, Result]):
    """One tool as every surface exposes it; ``handler`` gets a call with validated ``Args``."""

    name: str
    description: str
    arguments_model: type[Args]
    result_model: type[Result]
    handler: Callable[[ToolCall[Args]], Awaitable[Result]]


async def _execute(call: ToolCall[ExecuteIncrementallyArguments]) -> OperationView:
    arguments = call.arguments
    return await call.engine.execute_incrementally(
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
        on_progress=call.on_progress,
    )


async def _resume(call: ToolCall[ResumeArguments]) -> OperationView:
    arguments = call.arguments
    return await call.engine.resume(
        arguments.operation_id,
        budget_ms=arguments.budget_ms,
        cursor=arguments.cursor,
        on_progress=call.on_progress,
    )


async def _provide_input(call: ToolCall[ProvideInputArguments]) -> OperationView:
    arguments = call.arguments
    answers = {key: answer.model_dump() for key, answer in arguments.responses.items()}
    return await call.engine.provide_input(
        arguments.operation_id,
        answers,
        budget_ms=arguments.budget_ms,
        cursor=arguments.cursor,
        on_progress=call.on_progress,
    )


async def _get_progress(call: ToolCall[GetProgressArguments]) -> OperationView:
    arguments = call.arguments
    return await call.engine.get_progress(arguments.operation_id, wait_ms=arguments.wait_ms or 0)


async def _get_results(call: ToolCall[GetResultsArguments]) -> OperationView:
    arguments = call.arguments
    return await call.engine.get_results(
        arguments.operation_id, cursor=arguments.cursor, limit=arguments.limit
    )


async def _pause(call: ToolCall[OperationIdArguments]) -> OperationView:
    return await call.engine.pause(call.arguments.operation_id)


async def _cancel(call: ToolCall[CancelArguments]) -> OperationView:
    return await call.engine.cancel(call.arguments.operation_id, reason=call.arguments.reason)


async def _list(call: ToolCall[ListOperationsArguments]) -> OperationList:
    arguments = call.arguments
    return await call.engine.list_operations(
        status=arguments.status,
        operation_type=arguments.operation_type,
        limit=arguments.limit,
        cursor=arguments.cursor,
    )


async def _describe(call: ToolCall[DescribeOperationTypesArguments]) -> OperationTypeList:
    return call.engine.describe_operation_types()


async def _record(call: ToolCall[RecordProgressArguments]) -> OperationView:
    arguments = call.arguments
    return await call.engine.record_progress(
        arguments.operation_id,
        completed=bool(arguments.completed),
        completed_steps=arguments.completed_steps,
        state=arguments.state,
        notes=arguments.notes,
    )


EXECUTE_INCREMENTALLY = ToolSpec(
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
)
"""The starting tool; operation types exposed as tools of their own run through it."""

TOOLS: tuple[ToolSpec[Any, Any], ...] = (
    EXECUTE_INCREMENTALLY,
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


def starting_arguments(
    operation_type: str, operation_input: Mapping[str, Any], **options: Any
) -> dict[str, Any]:
    """The ``execute_incrementally`` arguments running ``operation_type`` on its input.

    For the surfaces that offer a type as a tool of its own; ``options`` are more
    arguments of the starting tool (``mode``, ``budget_ms``).
    """
    return {"operation_type": operation_type, "input": dict(operation_input), **options}


def catalog_schema(
    spec: ToolSpec[Any, Any], registry: OperationRegistry
) -> tuple[dict[str, Any], str]:
    """A tool's input schema and description as a server with ``registry`` shows them.

    ``execute_incrementally`` lists the registered types: an enum on
    ``operation_type``, and a line per type in the description.
    """
    schema = spec.arguments_model.model_json_schema()
    if spec.name != EXECUTE_INCREMENTALLY.name:
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
