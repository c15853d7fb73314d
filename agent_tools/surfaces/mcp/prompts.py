"""Prompts that hosts offer as slash commands: start a long task, resume one, report on one.

Each prompt teaches the tool pattern rather than doing the work: the agent that
receives the messages then calls the tools itself, so a host without tool calls
in prompts still gets a plan it can follow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    GetPromptRequestParams,
    GetPromptResult,
    ListPromptsResult,
    PaginatedRequestParams,
    Prompt,
    PromptArgument,
    PromptMessage,
    TextContent,
)

from agent_tools.core.errors import AgentToolsError
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.resources import operation_uri

START_LONG_TASK = "start_long_task"
RESUME_OPERATION = "resume_operation"
REPORT_OPERATION = "report_operation"

OPERATION_ID_ARGUMENT = PromptArgument(
    name="operation_id", description="The operation's id.", required=True
)

PROMPTS = [
    Prompt(
        name=START_LONG_TASK,
        title="Start a long task",
        description="Run a long job in budgeted, checkpointed slices until it completes.",
        arguments=[
            PromptArgument(name="task", description="What should be done.", required=True),
            PromptArgument(
                name="operation_type",
                description="The operation type to run it with (see describe_operation_types).",
                required=False,
            ),
        ],
    ),
    Prompt(
        name=RESUME_OPERATION,
        title="Resume an operation",
        description="Continue an operation from its last checkpoint until it completes.",
        arguments=[OPERATION_ID_ARGUMENT],
    ),
    Prompt(
        name=REPORT_OPERATION,
        title="Report on an operation",
        description="Status, progress and a summary of the results of one operation.",
        arguments=[OPERATION_ID_ARGUMENT],
    ),
]


def _start_text(arguments: Mapping[str, str]) -> str:
    operation_type = arguments.get("operation_type")
    chosen = (
        f"Use operation_type={operation_type!r}."
        if operation_type
        else "First call describe_operation_types and pick the type that fits the task."
    )
    return (
        f"Task: {arguments['task']}\n\n"
        f"{chosen}\n"
        "1. Call execute_incrementally with that operation_type and an input matching its"
        " input schema. Each call returns within its budget_ms with a status, progress and"
        " the new output items.\n"
        "2. While status is not completed, call resume with the operation_id and"
        " cursor=next_cursor from the last answer; follow next_step when it says otherwise.\n"
        "3. For work that should go on between calls, pass mode='background' instead and"
        " poll get_progress(operation_id, wait_ms=30000); page get_results with next_cursor.\n"
        "4. When status is completed, page the remaining items with get_results and report"
        " the result. The operation is checkpointed: after any interruption, resume it."
    )


def _resume_text(arguments: Mapping[str, str]) -> str:
    operation_id = arguments["operation_id"]
    return (
        f"Resume operation {operation_id}.\n"
        f"Call resume(operation_id={operation_id!r}) and keep calling resume with"
        " cursor=next_cursor while status is running, pending or paused, reading the new"
        " items of each answer. Follow next_step when it says to wait (get_progress with"
        " wait_ms) or to answer a question (provide_input). Stop when status is completed,"
        " failed or cancelled and report the outcome."
    )


@dataclass(frozen=True)
class _PromptBody:
    description: str
    text: Callable[[Mapping[str, str]], str]
    required: tuple[str, ...]


_BODIES = {
    START_LONG_TASK: _PromptBody("Start a long task", _start_text, ("task",)),
    RESUME_OPERATION: _PromptBody("Resume an operation", _resume_text, ("operation_id",)),
}


def _missing_argument(name: str, argument: str) -> MCPError:
    return MCPError(
        code=INVALID_PARAMS,
        message=f"Prompt {name!r} needs the argument {argument!r}.",
        data={"code": "invalid_input", "hint": f"Pass {argument} in the prompt's arguments."},
    )


class OperationPrompts:
    """Serves ``prompts/list`` and ``prompts/get``; the report prompt reads the operation."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._listing = ListPromptsResult(prompts=PROMPTS)

    async def list_prompts(
        self, context: ServerRequestContext[Any, Any], params: PaginatedRequestParams | None
    ) -> ListPromptsResult:
        return self._listing

    async def get_prompt(
        self, context: ServerRequestContext[Any, Any], params: GetPromptRequestParams
    ) -> GetPromptResult:
        arguments = params.arguments or {}
        if params.name == REPORT_OPERATION:
            return await self._report(arguments)
        body = _BODIES.get(params.name)
        if body is None:
            known = ", ".join(prompt.name for prompt in PROMPTS)
            raise MCPError(
                code=INVALID_PARAMS,
                message=f"No prompt named {params.name!r}.",
                data={"code": "unknown_prompt", "hint": f"Use one of: {known}."},
            )
        for argument in body.required:
            if not arguments.get(argument):
                raise _missing_argument(params.name, argument)
        return GetPromptResult(
            description=body.description,
            messages=[PromptMessage(role="user", content=TextContent(text=body.text(arguments)))],
        )

    async def _report(self, arguments: Mapping[str, str]) -> GetPromptResult:
        operation_id = arguments.get("operation_id")
        if not operation_id:
            raise _missing_argument(REPORT_OPERATION, "operation_id")
        try:
            view = await self._engine.get_progress(operation_id)
        except AgentToolsError as error:
            raise MCPError(code=INVALID_PARAMS, message=str(error), data=error.as_dict()) from error
        text = (
            f"Report on operation {operation_id} ({operation_uri(operation_id)}).\n"
            f"Its current view:\n{view.model_dump_json(exclude_none=True)}\n\n"
            "Say in a few lines: its status, how far it is (steps, percentage, ETA), and what"
            " it produced. To summarise the results, page get_results(operation_id, cursor)"
            " with next_cursor until has_more is false. If it failed, give the error's code,"
            " message and hint; if it can go on, say that resume continues it."
        )
        return GetPromptResult(
            description="Report on an operation",
            messages=[PromptMessage(role="user", content=TextContent(text=text))],
        )
