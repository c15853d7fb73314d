"""Run the MCP server over stdio or streamable HTTP, with the engine open around it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mcp.server.stdio import stdio_server

from agent_tools.core.registry import OperationRegistry
from agent_tools.runtime.engine import Engine
from agent_tools.runtime.fleet.broker import broker_dispatcher
from agent_tools.runtime.loading import load_operations
from agent_tools.runtime.observer import RuntimeObserver
from agent_tools.settings import Settings
from agent_tools.surfaces.mcp.principal import mark_unauthenticated
from agent_tools.surfaces.mcp.security import transport_security
from agent_tools.surfaces.mcp.server import build_server
from agent_tools.surfaces.tool_catalog import TOOLS, ToolSpec
from agent_tools.telemetry.setup import Telemetry, telemetry_for

if TYPE_CHECKING:
    from mcp.server.lowlevel.server import Server
    from starlette.types import ASGIApp

    from agent_tools.surfaces.auth.http_auth import HttpAuth

HTTP_PATH = "/mcp"
STARTUP_POLL_S = 0.05


def engine_for(settings: Settings, observer: RuntimeObserver | None = None) -> Engine:
    """An engine on the configured store with the operations from ``--ops`` and entry points.

    With a broker, background operations go to the worker fleet; without one, this
    process runs them itself.
    """
    registry = load_operations(settings.ops, OperationRegistry())
    return Engine.from_settings(
        settings, registry=registry, dispatcher=broker_dispatcher(settings), observer=observer
    )


async def serve_stdio(settings: Settings, tools: Sequence[ToolSpec[Any, Any]] = TOOLS) -> None:
    """Serve one client over stdin/stdout until it closes the stream.

    Operations are loaded inside the stdio claim: while it holds, file descriptor 1
    points at stderr, so a ``print`` in a user's module (at import or in a chunk,
    in this process or a child) cannot corrupt the protocol stream.
    """
    async with stdio_server() as (read_stream, write_stream):
        telemetry = telemetry_for(settings)
        engine = engine_for(settings, telemetry.observer)
        async with engine:
            server = configured_server(settings, engine, telemetry, tools)
            await server.run(read_stream, write_stream, server.create_initialization_options())


async def serve_http(
    settings: Settings,
    tools: Sequence[ToolSpec[Any, Any]] = TOOLS,
    on_listening: Callable[[str], None] | None = None,
) -> None:
    """Serve streamable HTTP at ``http://host:port/mcp`` until interrupted.

    ``on_listening`` receives the URL once the socket listens; with port 0 the
    system picks a free port, and this is how a caller learns it. Requests need a
    bearer token (static or OAuth) unless ``no_auth`` is set on a loopback address;
    a refused configuration raises before anything is opened.
    """
    # uvicorn and the HTTP auth load only here, so a stdio server never pays for them.
    import uvicorn

    from agent_tools.surfaces.auth.http_auth import http_auth
    from agent_tools.surfaces.mcp.graceful_http import GracefulServer

    auth = http_auth(settings)
    telemetry = telemetry_for(settings)
    engine = engine_for(settings, telemetry.observer)
    async with engine:
        app = build_http_app(settings, engine, auth, telemetry, tools)
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            lifespan="on",
        )
        web_server = GracefulServer(config)
        serving = asyncio.create_task(web_server.serve())
        while not web_server.started and not serving.done():
            await asyncio.wait({serving}, timeout=STARTUP_POLL_S)
        if web_server.started and on_listening is not None:
            port = web_server.servers[0].sockets[0].getsockname()[1]
            host = f"[{settings.host}]" if ":" in settings.host else settings.host
            on_listening(f"http://{host}:{port}{HTTP_PATH}")
        await serving


def build_http_app(
    settings: Settings,
    engine: Engine,
    auth: HttpAuth | None,
    telemetry: Telemetry,
    tools: Sequence[ToolSpec[Any, Any]] = TOOLS,
) -> ASGIApp:
    """The HTTP server's app: MCP at ``/mcp``, the web page at ``/ui``, ``/metrics`` when on."""
    from agent_tools.surfaces.auth.refusal_audit import audit_unauthenticated
    from agent_tools.surfaces.web import web_routes

    server = configured_server(settings, engine, telemetry, tools)
    security = transport_security(settings.host, settings.allowed_hosts)
    verifier = auth.verifier if auth else None
    routes = [*(auth.routes if auth else []), *web_routes(engine, verifier, security)]
    if telemetry.metrics is not None:
        from agent_tools.surfaces.web.metrics_route import metrics_route

        routes.append(metrics_route(engine, telemetry, open_server=auth is None))
    starlette_app = server.streamable_http_app(
        streamable_http_path=HTTP_PATH,
        transport_security=security,
        host=settings.host,
        auth=auth.settings if auth else None,
        token_verifier=auth.verifier if auth else None,
        custom_starlette_routes=routes,
    )
    audited = audit_unauthenticated(starlette_app, engine.audit_trail)
    return mark_unauthenticated(audited) if auth is None else audited


def configured_server(
    settings: Settings,
    engine: Engine,
    telemetry: Telemetry,
    tools: Sequence[ToolSpec[Any, Any]],
) -> Server[dict[str, Any]]:
    """The MCP server as ``settings`` ask for it, traced when traces are on."""
    server = build_server(
        engine,
        tools,
        expose_operation_tools=settings.expose_operation_tools,
        app=not settings.no_app,
    )
    if telemetry.traces:
        from agent_tools.telemetry.mcp_spans import install_tool_call_tracing

        install_tool_call_tracing(server)
    return server
