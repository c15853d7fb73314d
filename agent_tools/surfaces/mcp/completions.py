"""Argument completion (``completion/complete``) for operation ids and operation types.

``operation_id`` completes to operations newest first: the resumable ones for the
resume prompt, every one for the report prompt and the operations resource template.
"""

from __future__ import annotations

from typing import Any

from mcp.server.context import ServerRequestContext
from mcp_types import (
    CompleteRequestParams,
    CompleteResult,
    Completion,
    PromptReference,
)

from agent_tools.core.status import OperationStatus
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.prompts import RESUME_OPERATION
from agent_tools.surfaces.mcp.resources import URI_TEMPLATE

MAX_VALUES = 100
SCANNED_OPERATIONS = 200
RESUMABLE = frozenset({OperationStatus.PENDING, OperationStatus.RUNNING, OperationStatus.PAUSED})


class ArgumentCompletions:
    """Completes the arguments of our prompts and of the operations resource template."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def complete(
        self, context: ServerRequestContext[Any, Any], params: CompleteRequestParams
    ) -> CompleteResult:
        reference = params.ref
        argument = params.argument
        if isinstance(reference, PromptReference):
            if argument.name == "operation_id":
                resumable_only = reference.name == RESUME_OPERATION
                return await self._operation_ids(argument.value, resumable_only)
            if argument.name == "operation_type":
                return self._operation_types(argument.value)
        elif reference.uri == URI_TEMPLATE and argument.name == "operation_id":
            return await self._operation_ids(argument.value, resumable_only=False)
        return CompleteResult(completion=Completion(values=[]))

    async def _operation_ids(self, prefix: str, resumable_only: bool) -> CompleteResult:
        # One page of the newest operations: completion is for what a person just
        # worked with, and must answer as fast as they type.
        page = await self._engine.list_operations(limit=SCANNED_OPERATIONS)
        matches = [
            summary.operation_id
            for summary in page.operations
            if summary.operation_id.startswith(prefix)
            and (not resumable_only or summary.status in RESUMABLE)
        ]
        return _completion(matches, more_unscanned=page.has_more)

    def _operation_types(self, prefix: str) -> CompleteResult:
        names = sorted(
            definition.name
            for definition in self._engine.registry.all_latest()
            if definition.name.startswith(prefix)
        )
        return _completion(names, more_unscanned=False)


def _completion(matches: list[str], *, more_unscanned: bool) -> CompleteResult:
    return CompleteResult(
        completion=Completion(
            values=matches[:MAX_VALUES],
            total=None if more_unscanned else len(matches),
            has_more=len(matches) > MAX_VALUES or more_unscanned,
        )
    )
