"""The ``tools/list`` entries: every MCP tool is described here, and only here.

``schemas/mcp/tools.json`` is made from the same functions, so a field added to
a tool's registration (annotations, ``_meta``) reaches the listing and the
exported schema at once.
"""

from __future__ import annotations

from typing import Any

from mcp_types import Tool, ToolExecution

from agent_tools.core.definitions import OperationType
from agent_tools.core.registry import OperationRegistry
from agent_tools.core.views import OperationView
from agent_tools.surfaces.tool_catalog import ToolSpec, catalog_schema


def catalog_tool(spec: ToolSpec[Any, Any], registry: OperationRegistry) -> Tool:
    """A catalog tool as a server with the operation types of ``registry`` lists it."""
    input_schema, description = catalog_schema(spec, registry)
    return Tool(
        name=spec.name,
        description=description,
        input_schema=input_schema,
        output_schema=spec.result_model.model_json_schema(),
    )


def operation_tool(definition: OperationType) -> Tool:
    """An operation type exposed as a tool of its own: its input is the tool's arguments."""
    return Tool(
        name=definition.name,
        description=definition.description
        or f"Run the {definition.name} operation in budgeted, checkpointed slices.",
        input_schema=definition.input_schema(),
        output_schema=OperationView.model_json_schema(),
        execution=ToolExecution(task_support=definition.task_support),
    )
