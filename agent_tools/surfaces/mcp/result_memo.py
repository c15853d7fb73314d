"""Serialise a shared view once: the MCP result of a value the engine hands out again."""

from __future__ import annotations

from collections import OrderedDict

from mcp_types import CallToolResult
from pydantic import BaseModel

from agent_tools.core.views import OperationView
from agent_tools.surfaces.mcp.results import success_result

DEFAULT_CAPACITY = 256


class ResultMemo:
    """``success_result`` of the most recent values, reused when the very same object returns.

    The engine returns one shared view per operation while it is unchanged (a poll of
    ``get_progress``); its structured content and texts are then built once. Only
    such views (without items) are remembered: other values are built per call and
    would only hold memory. Each entry holds its value, so an object id is never
    reused while it is remembered.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._results: OrderedDict[int, tuple[BaseModel, CallToolResult]] = OrderedDict()

    def success_result(self, value: BaseModel) -> CallToolResult:
        remembered = self._results.get(id(value))
        if remembered is not None and remembered[0] is value:
            self._results.move_to_end(id(value))
            return remembered[1]
        result = success_result(value)
        if not isinstance(value, OperationView) or value.items:
            return result
        self._results[id(value)] = (value, result)
        while len(self._results) > self._capacity:
            self._results.popitem(last=False)
        return result
