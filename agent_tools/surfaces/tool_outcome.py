"""From a tool call to its outcome, in one place: validate, invoke, and catch every error.

Every surface runs a call through :func:`run_tool` and only formats the
outcome it returns: MCP as a ``CallToolResult`` (``surfaces/mcp/results.py``),
OpenAI as a tool message's JSON (``surfaces/openai_tools.py``). A refusal the
agent can act on keeps its code and hint; anything else becomes an
``internal_error`` whose details stay in the server log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias

from pydantic import ValidationError

from agent_tools.core.errors import (
    AgentToolsError,
    DetailedError,
    InvalidInputError,
    message_only,
    validation_problems,
)
from agent_tools.runtime.audit_trail import current_access
from agent_tools.runtime.engine import Engine, OnProgress
from agent_tools.surfaces.tool_catalog import Args, Result, ToolCall, ToolSpec

logger = logging.getLogger(__name__)


class InternalToolError(DetailedError):
    """A tool failed for a reason the agent cannot fix; the details are in the server log."""

    code = "internal_error"
    hint = (
        "Retry the call; every committed checkpoint is safe. If it keeps failing, "
        "report it with the server log."
    )
    wording = "The {tool} tool failed unexpectedly ({error.__class__.__name__})."

    tool: str
    error: BaseException = message_only()


@dataclass(frozen=True)
class ToolSuccess(Generic[Result]):
    """The tool ran: ``result`` is its result model."""

    result: Result


@dataclass(frozen=True)
class ToolFailure:
    """The tool refused or failed: ``error`` carries the code, message and hint."""

    error: AgentToolsError

    @property
    def body(self) -> dict[str, Any]:
        """The wire form of the error: ``{"code", "message", "hint", "details"?}``."""
        return self.error.as_dict()


ToolOutcome: TypeAlias = ToolSuccess[Result] | ToolFailure


async def run_tool(
    spec: ToolSpec[Args, Result],
    engine: Engine,
    arguments: Mapping[str, Any],
    *,
    on_progress: OnProgress | None = None,
    called_as: str | None = None,
) -> ToolOutcome[Result]:
    """Validate ``arguments`` against ``spec``, run its handler, and say how it went.

    ``called_as`` is the name the client used when it is not the spec's own (an
    operation type exposed as a tool, an OpenAI ``start_<type>`` function); error
    messages and logs use it.
    """
    name = called_as or spec.name
    try:
        validated = spec.arguments_model.model_validate(arguments)
    except ValidationError as error:
        return refused(name, invalid_arguments(name, error))
    access = current_access()
    if access is not None:
        access.name_operation(getattr(validated, "operation_id", None))
    try:
        result = await spec.handler(ToolCall(engine, validated, on_progress))
    except AgentToolsError as error:
        return refused(name, error)
    except Exception as error:
        logger.exception("tool %s failed", name)
        return refused(name, InternalToolError(name, error))
    if access is not None:
        access.name_operation(getattr(result, "operation_id", None))
    return ToolSuccess(result)


def refused(tool_name: str, error: AgentToolsError) -> ToolFailure:
    """The outcome of a call refused with ``error`` (bad arguments, unknown id, no role...).

    The access being served (see ``runtime/audit_trail.py``) records it as its outcome.
    """
    logger.info("tool %s refused: %s", tool_name, error.code)
    access = current_access()
    if access is not None:
        access.refused(error)
    return ToolFailure(error)


def invalid_arguments(tool_name: str, error: ValidationError) -> InvalidInputError:
    """The agent-facing error for arguments that do not match a tool's input schema."""
    problems = validation_problems(error, whole="(arguments)")
    return InvalidInputError(
        f"Invalid arguments for {tool_name}: {'; '.join(problems)}.",
        f"Fix the listed fields to match the input schema of {tool_name} and call it again.",
        problems=problems,
    )
