"""Spans of MCP tool calls, joined to the SDK's own span and to the caller's trace.

The SDK (``mcp.server._otel``) already opens a SERVER span per request, parented
on ``params._meta.traceparent``. Two middlewares complete it: one copies a W3C
``traceparent`` HTTP header into ``_meta`` when the client sent it there instead,
so the SDK's span joins the caller's trace either way; one opens an
``agent_tools.tool`` span inside it and names the operation the call touched
(on both spans), so a trace leads from the agent's call to the slices it ran.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.lowlevel.server import Server
from mcp_types import CallToolResult
from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode

from agent_tools.telemetry.tracing import OPERATION_ID, OPERATION_TYPE, TRACER_NAME
from agent_tools.version import __version__

TRACE_HEADERS = ("traceparent", "tracestate")


class HttpTraceContext:
    """Use the ``traceparent`` HTTP header as trace context when ``_meta`` carries none."""

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> Any:
        meta = dict(ctx.meta or {})
        headers = getattr(ctx.request, "headers", None)
        if "traceparent" in meta or headers is None or "traceparent" not in headers:
            return await call_next(ctx)
        for name in TRACE_HEADERS:
            if name in headers:
                meta[name] = headers[name]
        return await call_next(dataclasses.replace(ctx, meta=meta))  # type: ignore[arg-type]


class ToolCallSpans:
    """An ``agent_tools.tool <name>`` span around each ``tools/call``, with the operation."""

    def __init__(self) -> None:
        self._tracer = trace.get_tracer(TRACER_NAME, __version__)

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        name = (ctx.params or {}).get("name")
        sdk_span = trace.get_current_span()
        with self._tracer.start_as_current_span(
            f"agent_tools.tool {name}", attributes={"gen_ai.tool.name": str(name)}
        ) as span:
            result = await call_next(ctx)
            _name_operation(result, span, sdk_span)
            return result


def _name_operation(result: HandlerResult, *spans: Span) -> None:
    """Put the operation id and type from a tool's structured result on ``spans``."""
    if isinstance(result, CallToolResult):
        content = result.structured_content or {}
        failed = bool(result.is_error)
    elif isinstance(result, dict):
        content = result.get("structuredContent") or {}
        failed = result.get("isError") is True
    else:
        return
    attributes = {
        key: content[field]
        for key, field in ((OPERATION_ID, "operation_id"), (OPERATION_TYPE, "operation_type"))
        if isinstance(content.get(field), str)
    }
    for span in spans:
        span.set_attributes(attributes)
    if failed:
        spans[0].set_attribute("error.type", "tool_error")
        spans[0].set_status(Status(StatusCode.ERROR))


def install_tool_call_tracing(server: Server[Any]) -> None:
    """Add both middlewares around the SDK's OpenTelemetry middleware on ``server``."""
    server.middleware.insert(0, HttpTraceContext())
    server.middleware.append(ToolCallSpans())
