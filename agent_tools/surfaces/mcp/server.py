"""Build the MCP server: the catalog's tools, operation resources and the instructions.

Built on the SDK's low-level ``Server`` rather than ``MCPServer``: tools come from
the shared catalog (a pydantic arguments model and result model per tool, not a
Python signature), ``execute_incrementally`` declares an enum of the registered
operation types, and argument errors must come back as tool errors with a code
and a hint. ``MCPServer`` would also configure the root logger on construction,
which a library must not do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from mcp.server.extension import compose_tool_call_handler
from mcp.server.lowlevel.server import Server
from mcp_types import CallToolRequestParams

from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.app import install_operation_app
from agent_tools.surfaces.mcp.instructions import INSTRUCTIONS
from agent_tools.surfaces.mcp.operation_tools import OperationTools
from agent_tools.surfaces.mcp.principal import guard_method, guard_tool_calls
from agent_tools.surfaces.mcp.prompts import OperationPrompts
from agent_tools.surfaces.mcp.resources import OperationResources
from agent_tools.surfaces.mcp.subscriptions import ResourceSubscriptions
from agent_tools.surfaces.mcp.tools import CatalogTools
from agent_tools.surfaces.tool_catalog import TOOLS, ToolSpec
from agent_tools.version import __version__

SERVER_NAME = "agent-tools"


def build_server(
    engine: Engine,
    tools: Sequence[ToolSpec[Any, Any]] = TOOLS,
    *,
    expose_operation_tools: bool = False,
    app: bool = True,
) -> Server[dict[str, Any]]:
    """An MCP server answering through ``engine``; run it over stdio or HTTP.

    With ``expose_operation_tools``, every type declared ``expose_as_tool`` is a
    tool of its own, and the tasks extension runs the task-supporting ones as
    durable tasks for clients that negotiated it. With ``app`` (the default),
    clients that negotiated MCP Apps also get the live operation view.
    """
    operation_tools = OperationTools(engine) if expose_operation_tools else None
    catalog = CatalogTools(engine, tools, operation_tools)
    resources = OperationResources(engine)
    prompts = OperationPrompts(engine)
    subscriptions = ResourceSubscriptions(engine)
    trail = engine.audit_trail
    server: Server[dict[str, Any]] = Server(
        SERVER_NAME,
        version=__version__,
        title="agent-tools",
        description="Long operations in budgeted, checkpointed slices.",
        instructions=INSTRUCTIONS,
        lifespan=_closing(subscriptions),
        get_tool_input_schema=catalog.input_schema,
        on_list_tools=catalog.list_tools,
        on_call_tool=guard_tool_calls(trail, catalog.call_tool),
        on_list_resources=guard_method(trail, "resources/list", resources.list_resources),
        on_list_resource_templates=resources.list_templates,
        on_read_resource=guard_method(trail, "resources/read", resources.read),
        on_subscribe_resource=guard_method(trail, "resources/subscribe", subscriptions.subscribe),
        on_unsubscribe_resource=guard_method(
            trail, "resources/unsubscribe", subscriptions.unsubscribe
        ),
        on_subscriptions_listen=guard_method(trail, "subscriptions/listen", subscriptions.listen),
        on_list_prompts=prompts.list_prompts,
        on_get_prompt=guard_method(trail, "prompts/get", prompts.get_prompt),
        on_completion=guard_method(trail, "completion/complete", prompts.complete),
    )
    if operation_tools is not None:
        _install_tasks(server, engine, operation_tools, catalog)
    if app:
        install_operation_app(server, engine)
    return server


def _closing(
    subscriptions: ResourceSubscriptions,
) -> Callable[[Server[dict[str, Any]]], AbstractAsyncContextManager[dict[str, Any]]]:
    """The server's lifespan: when it stops serving, its listen streams and watches end."""

    @asynccontextmanager
    async def lifespan(_: Server[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
        try:
            yield {}
        finally:
            await subscriptions.close()

    return lifespan


def _install_tasks(
    server: Server[dict[str, Any]],
    engine: Engine,
    operation_tools: OperationTools,
    catalog: CatalogTools,
) -> None:
    """Apply the tasks extension as the SDK's ``MCPServer`` applies extensions."""
    # Loaded only for a server that exposes operation tools: the default start skips it.
    from agent_tools.surfaces.mcp_tasks import TasksExtension

    extension = TasksExtension(engine, operation_tools)
    for method in extension.methods():
        server.add_request_handler(
            method.method,
            method.params_type,
            guard_method(engine.audit_trail, method.method, method.handler),
        )
    server.add_request_handler(
        "tools/call",
        CallToolRequestParams,
        guard_tool_calls(
            engine.audit_trail, compose_tool_call_handler([extension], catalog.call_tool)
        ),
    )
    server.extensions[extension.identifier] = extension.settings()
