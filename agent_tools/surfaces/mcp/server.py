"""Build the MCP server: the catalog's tools, operation resources and the instructions.

Built on the SDK's low-level ``Server`` rather than ``MCPServer``: tools come from
the shared catalog (a pydantic arguments model and result model per tool, not a
Python signature), ``execute_incrementally`` declares an enum of the registered
operation types, and argument errors must come back as tool errors with a code
and a hint. ``MCPServer`` would also configure the root logger on construction,
which a library must not do.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

from mcp.server.lowlevel.server import Server

from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.instructions import INSTRUCTIONS
from agent_tools.surfaces.mcp.resources import OperationResources
from agent_tools.surfaces.mcp.tools import CatalogTools
from agent_tools.surfaces.tool_catalog import TOOLS, ToolSpec

SERVER_NAME = "agent-tools"


def build_server(engine: Engine, tools: Sequence[ToolSpec] = TOOLS) -> Server[dict[str, Any]]:
    """An MCP server answering through ``engine``; run it over stdio or HTTP."""
    catalog = CatalogTools(engine, tools)
    resources = OperationResources(engine)
    return Server(
        SERVER_NAME,
        version=version("agent-tools"),
        title="agent-tools",
        description="Long operations in budgeted, checkpointed slices.",
        instructions=INSTRUCTIONS,
        get_tool_input_schema=catalog.input_schema,
        on_list_tools=catalog.list_tools,
        on_call_tool=catalog.call_tool,
        on_list_resources=resources.list_resources,
        on_list_resource_templates=resources.list_templates,
        on_read_resource=resources.read,
    )
