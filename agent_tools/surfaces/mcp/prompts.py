"""Prompts that hosts show as slash commands, and argument completion for them.

``start_long_task`` teaches the budgeted-slice pattern for a job the user
describes; ``resume_operation`` and ``report_on_operation`` pick up an operation
by id. ``completion/complete`` offers operation ids (resumable ones, newest
first) and operation types, for these prompts and the operations resource template.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    CompleteRequestParams,
    CompleteResult,
    Completion,
    GetPromptRequestParams,
    GetPromptResult,
    ListPromptsResult,
    PaginatedRequestParams,
    Prompt,
    PromptArgument,
    PromptMessage,
    PromptReference,
    TextContent,
)

from agent_tools.core.errors import AgentToolsError
from agent_tools.core.views import OperationView
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.resources import URI_TEMPLATE

COMPLETION_LIMIT = 100
"""The protocol allows at most 100 values per completion."""
COMPLETION_SCAN = 200
"""How many of the newest operations completion looks through."""
SHOWN_ITEMS = 5

OPERATION_ID = PromptArgument(
    name="operation_id", description="The operation to pick up.", required=True
)
PROMPTS = (
    Prompt(
        name="start_long_task",
        title="Start a long task",
        description="Run a long job through agent-tools without hitting tool-call timeouts.",
        arguments=[
            PromptArgument(name="task", description="What should be done.", required=True),
            PromptArgument(
                name="operation_type", description="Which operation type to use, if known."
            ),
        ],
    ),
    Prompt(
        name="resume_operation",
        title="Resume an operation",
        description="Continue an operation from its last checkpoint until it completes.",
        arguments=[OPERATION_ID],
    ),
    Prompt(
        name="report_on_operation",
        title="Report on an operation",
        description="Summarise an operation's status, progress and results.",
        arguments=[OPERATION_ID],
    ),
)


def _user(text: str) -> PromptMessage:
    return PromptMessage(role="user", content=TextContent(type="text", text=text))


def _start_text(task: str, operation_type: str | None) -> str:
    chosen = (
        f"Use the operation type {operation_type}."
        if operation_type
        else "Call describe_operation_types first and pick the type that fits, with its input."
    )
    return (
        f"Do this long task with the agent-tools tools: {task}\n\n{chosen}\n"
        "1. Call execute_incrementally(operation_type, input). It works for a bounded time "
        "and returns status, progress with an ETA, the first result items and next_cursor.\n"
        "2. While status is not completed, call resume(operation_id, cursor=next_cursor): "
        "each call continues from the last durable checkpoint and returns only newer items.\n"
        "   For a job you do not need to watch, pass mode='background' instead and follow it "
        "with get_progress(operation_id, wait_ms=20000).\n"
        "3. If input_requests appear, answer them with provide_input (ask me when a person "
        "must decide). Follow next_step in every response; nothing is lost if the "
        "conversation ends: resume(operation_id) continues later."
    )


def _report_text(view: OperationView) -> str:
    progress = view.progress
    done = f"{progress.current_step}/{progress.total_steps or '?'} steps"
    if progress.percentage is not None:
        done += f" ({progress.percentage:.0f}%)"
    lines = [
        f"Report on operation {view.operation_id} ({view.operation_type}) to me, in plain words.",
        f"Status: {view.status.value}; {done}; "
        f"ETA: {'unknown' if progress.eta_seconds is None else f'{progress.eta_seconds:.0f} s'}.",
        f"Result items so far: {view.items_total}.",
    ]
    if view.error is not None:
        lines.append(f"Error: [{view.error.code}] {view.error.message} Hint: {view.error.hint}")
    if view.result is not None:
        lines.append("Final result: " + json.dumps(view.result)[:2000])
    if view.items:
        first = [json.dumps(item.output)[:300] for item in view.items[:SHOWN_ITEMS]]
        lines.append("First items: " + "; ".join(first))
    lines.append(f"What to do next: {view.next_step}")
    return "\n".join(lines)


class OperationPrompts:
    """The prompt and completion handlers, reading operations through the engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @staticmethod
    async def list_prompts(
        context: ServerRequestContext[Any, Any], params: PaginatedRequestParams | None
    ) -> ListPromptsResult:
        """The prompts are the same for every server: nothing to read."""
        return ListPromptsResult(prompts=list(PROMPTS))

    async def get_prompt(
        self, context: ServerRequestContext[Any, Any], params: GetPromptRequestParams
    ) -> GetPromptResult:
        arguments = params.arguments or {}
        prompt = next((prompt for prompt in PROMPTS if prompt.name == params.name), None)
        if prompt is None:
            names = ", ".join(prompt.name for prompt in PROMPTS)
            raise MCPError(INVALID_PARAMS, f"No prompt named {params.name!r}; there are: {names}.")
        missing = [
            argument.name
            for argument in prompt.arguments or []
            if argument.required and not arguments.get(argument.name)
        ]
        if missing:
            raise MCPError(INVALID_PARAMS, f"Prompt {prompt.name} needs: {', '.join(missing)}.")
        if prompt.name == "start_long_task":
            text = _start_text(arguments["task"], arguments.get("operation_type"))
        elif prompt.name == "resume_operation":
            view = await self._view(arguments["operation_id"], with_items=False)
            text = (
                f"Continue operation {view.operation_id} ({view.operation_type}, now "
                f"{view.status.value}): call resume(operation_id={view.operation_id!r}) and "
                "keep following next_step, passing next_cursor back, until it is completed. "
                "Then tell me the result."
            )
        else:
            text = _report_text(await self._view(arguments["operation_id"], with_items=True))
        return GetPromptResult(description=prompt.description, messages=[_user(text)])

    async def complete(
        self, context: ServerRequestContext[Any, Any], params: CompleteRequestParams
    ) -> CompleteResult:
        reference = params.ref
        argument = params.argument
        known = (
            any(prompt.name == reference.name for prompt in PROMPTS)
            if isinstance(reference, PromptReference)
            else reference.uri == URI_TEMPLATE
        )
        values: list[str] = []
        if known and argument.name == "operation_id":
            values = await self._resumable_ids(argument.value)
        elif known and argument.name == "operation_type":
            values = [
                definition.name
                for definition in self._engine.registry.all_latest()
                if definition.name.startswith(argument.value)
            ]
        shown = values[:COMPLETION_LIMIT]
        return CompleteResult(
            completion=Completion(
                values=shown, total=len(values), has_more=len(values) > len(shown)
            )
        )

    async def _resumable_ids(self, prefix: str) -> list[str]:
        page = await self._engine.list_operations(limit=COMPLETION_SCAN)
        return [
            summary.operation_id
            for summary in page.operations
            if not summary.status.is_terminal and summary.operation_id.startswith(prefix)
        ]

    async def _view(self, operation_id: str, *, with_items: bool) -> OperationView:
        try:
            if with_items:
                return await self._engine.get_results(operation_id)
            return await self._engine.get_progress(operation_id)
        except AgentToolsError as error:
            raise MCPError(INVALID_PARAMS, str(error), data=error.as_dict()) from error
