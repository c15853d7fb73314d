"""Hook the operation app into a built server, per client.

A client that negotiated MCP Apps sees ``_meta.ui.resourceUri`` on the tools that
return an operation, the app-only ``get_latest_results`` tool and the ``ui://``
resource. Every other client gets exactly the tools, resources and results it got
before: the wrappers pass its requests through untouched. Tool results are the
same for both; the app reads the structured content the host hands it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from mcp.server.apps import EXTENSION_ID
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server
from mcp_types import (
    CallToolRequestParams,
    ListResourcesResult,
    ListToolsResult,
    PaginatedRequestParams,
    ReadResourceRequestParams,
    Tool,
)

from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.app.latest_results import (
    LATEST_RESULTS_TOOL,
    TOOL_NAME,
    latest_results,
)
from agent_tools.surfaces.mcp.app.negotiation import app_negotiated
from agent_tools.surfaces.mcp.app.resource import APP_URI, app_resource, read_app
from agent_tools.surfaces.mcp.operation_tools import exposed_types
from agent_tools.surfaces.mcp.principal import guard_method, guard_tool_calls

Context = ServerRequestContext[Any, Any]
Handler = Callable[[Context, Any], Awaitable[Any]]

VIEW_TOOLS = frozenset({"execute_incrementally", "resume", "get_progress"})
"""The catalog tools whose result is an operation the app can show."""


def install_operation_app(server: Server[Any], engine: Engine) -> None:
    """Wrap ``tools/list``, ``tools/call`` and the resource methods; advertise the extension.

    Call it last, once every other handler (the tasks extension's too) is in
    place: it wraps whatever is registered then.
    """
    shown = VIEW_TOOLS | {definition.name for definition in exposed_types(engine)}
    _wrap(server, "tools/list", lambda inner: _list_tools(inner, shown))
    _wrap(server, "tools/call", lambda inner: _call_tool(inner, engine))
    _wrap(server, "resources/list", _list_resources)
    _wrap(server, "resources/read", lambda inner: _read_resource(inner, engine))
    schemas = server.get_tool_input_schema
    server.get_tool_input_schema = lambda name: _input_schema(name, schemas)
    server.extensions[EXTENSION_ID] = {}


def with_app_meta(tool: Tool) -> Tool:
    """A copy of ``tool`` pointing at the app, its other ``_meta`` keys kept."""
    meta = {**(tool.meta or {}), "ui": {"resourceUri": APP_URI}}
    return tool.model_copy(update={"meta": meta})


def _wrap(server: Server[Any], method: str, wrapper: Callable[[Handler], Handler]) -> None:
    entry = server.get_request_handler(method)
    if entry is None:
        raise RuntimeError(f"the operation app needs a {method} handler to wrap")
    server.add_request_handler(method, entry.params_type, wrapper(entry.handler))


def _list_tools(inner: Handler, shown: frozenset[str]) -> Handler:
    async def list_tools(context: Context, params: PaginatedRequestParams | None) -> Any:
        result = await inner(context, params)
        if not app_negotiated(context) or not isinstance(result, ListToolsResult):
            return result
        tools = [with_app_meta(tool) if tool.name in shown else tool for tool in result.tools]
        if result.next_cursor is None:
            tools.append(LATEST_RESULTS_TOOL)
        return result.model_copy(update={"tools": tools})

    return list_tools


def _call_tool(inner: Handler, engine: Engine) -> Handler:
    async def serve_latest(context: Context, params: CallToolRequestParams) -> Any:
        return await latest_results(engine, context, params)

    guarded_latest = guard_tool_calls(engine.audit_trail, serve_latest)

    async def call_tool(context: Context, params: CallToolRequestParams) -> Any:
        if params.name == TOOL_NAME and app_negotiated(context):
            return await guarded_latest(context, params)
        return await inner(context, params)

    return call_tool


def _list_resources(inner: Handler) -> Handler:
    async def list_resources(context: Context, params: PaginatedRequestParams | None) -> Any:
        result = await inner(context, params)
        if not app_negotiated(context) or not isinstance(result, ListResourcesResult):
            return result
        return result.model_copy(update={"resources": [app_resource(), *result.resources]})

    return list_resources


def _read_resource(inner: Handler, engine: Engine) -> Handler:
    guarded_read = guard_method(engine.audit_trail, "resources/read", _read_app)

    async def read_resource(context: Context, params: ReadResourceRequestParams) -> Any:
        if str(params.uri) == APP_URI and app_negotiated(context):
            return await guarded_read(context, params)
        return await inner(context, params)

    return read_resource


async def _read_app(context: Context, params: ReadResourceRequestParams) -> Any:
    return read_app()


def _input_schema(
    name: str, inner: Callable[[str], Mapping[str, Any] | None] | None
) -> Mapping[str, Any] | None:
    if name == TOOL_NAME:
        return LATEST_RESULTS_TOOL.input_schema
    return inner(name) if inner is not None else None
