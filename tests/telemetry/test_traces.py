"""OpenTelemetry spans: tool calls, slices, chunks and commits, joined to the caller's trace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from mcp import Client
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.telemetry.conftest import named
from tests.web.serving import serving

OPERATION_ID = "agent_tools.operation.id"
OPERATION_TYPE = "agent_tools.operation.type"
CALLER_TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
CALLER_SPAN_ID = 0x00F067AA0BA902B7
CALLER_TRACEPARENT = f"00-{CALLER_TRACE_ID:032x}-{CALLER_SPAN_ID:016x}-01"
RAW_PROTOCOL_VERSION = "2025-06-18"


def _one(finished: tuple[ReadableSpan, ...], name: str) -> ReadableSpan:
    found = named(finished, name)
    assert len(found) == 1, [span.name for span in finished]
    return found[0]


def _parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


async def _run_counter(url: str, client: Client) -> dict[str, Any]:
    result = await client.call_tool(
        "execute_incrementally",
        {
            "operation_type": "counter",
            "input": {"total_items": 4, "items_per_chunk": 2},
            "budget_ms": 20_000,
        },
    )
    assert not result.is_error, result
    assert result.structured_content is not None
    return result.structured_content


async def test_a_tool_call_joins_the_callers_trace_down_to_its_chunks(
    tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    async with serving(tmp_path, traces="on") as served:
        url = f"{served.base_url}/mcp"
        tracer = trace.get_tracer("the-agent")
        async with Client(url) as client:
            # The client puts the current span into params._meta.traceparent.
            with tracer.start_as_current_span("agent turn") as turn:
                view = await _run_counter(url, client)
    finished = spans.get_finished_spans()
    trace_id = turn.get_span_context().trace_id
    sdk_call = next(
        span
        for span in named(finished, "tools/call execute_incrementally")
        if span.kind is trace.SpanKind.SERVER
    )
    tool = _one(finished, "agent_tools.tool execute_incrementally")
    slice_span = _one(finished, "agent_tools.slice")
    chunks = named(finished, "agent_tools.chunk")
    commits = named(finished, "agent_tools.checkpoint")
    assert sdk_call.context.trace_id == trace_id
    assert _parent_id(tool) == sdk_call.context.span_id
    assert _parent_id(slice_span) == tool.context.span_id
    assert len(chunks) == 2
    assert all(_parent_id(chunk) == slice_span.context.span_id for chunk in chunks)
    assert [c.attributes["agent_tools.chunk.index"] for c in chunks] == [0, 1]  # type: ignore[index]
    assert commits and all(c.context.trace_id == trace_id for c in commits)
    assert commits[-1].attributes["agent_tools.checkpoint.kind"] == "completed"  # type: ignore[index]
    for span in (sdk_call, tool, slice_span, *chunks, *commits):
        assert span.attributes is not None
        assert span.attributes[OPERATION_ID] == view["operation_id"]
        assert span.attributes[OPERATION_TYPE] == "counter"


async def _raw_call(url: str, headers: dict[str, str], name: str, arguments: Any) -> Any:
    """JSON-RPC over streamable HTTP by hand: a client that sends no ``_meta`` trace context."""
    base = {"Accept": "application/json, text/event-stream", **headers}
    async with httpx.AsyncClient(timeout=60, headers=base) as http:
        hello = await http.post(
            url,
            json={
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": RAW_PROTOCOL_VERSION,
                    "capabilities": {},
                    "clientInfo": {"name": "raw", "version": "0"},
                },
            },
        )
        session = {"mcp-session-id": hello.headers["mcp-session-id"]}
        await http.post(
            url, headers=session, json={"jsonrpc": "2.0", "method": "notifications/initialized"}
        )
        called = await http.post(
            url,
            headers=session,
            json={
                "jsonrpc": "2.0",
                "id": 2,
                "method": "tools/call",
                "params": {"name": name, "arguments": arguments},
            },
        )
    data = [line[5:] for line in called.text.splitlines() if line.startswith("data:")]
    return json.loads(data[-1] if data else called.text)


async def test_a_traceparent_http_header_is_the_callers_trace_too(
    tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    async with serving(tmp_path, traces="on") as served:
        answer = await _raw_call(
            f"{served.base_url}/mcp",
            {"traceparent": CALLER_TRACEPARENT},
            "execute_incrementally",
            {"operation_type": "counter", "input": {"total_items": 2}, "budget_ms": 20_000},
        )
    assert answer["result"]["structuredContent"]["status"] == "completed", answer
    finished = spans.get_finished_spans()
    sdk_call = _one(finished, "tools/call execute_incrementally")
    tool = _one(finished, "agent_tools.tool execute_incrementally")
    slice_span = _one(finished, "agent_tools.slice")
    assert sdk_call.context.trace_id == CALLER_TRACE_ID
    assert sdk_call.parent is not None and sdk_call.parent.span_id == CALLER_SPAN_ID
    assert tool.context.trace_id == CALLER_TRACE_ID
    assert slice_span.context.trace_id == CALLER_TRACE_ID


async def test_a_failed_tool_call_is_an_error_span(
    tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    async with (
        serving(tmp_path, traces="on") as served,
        Client(f"{served.base_url}/mcp") as client,
    ):
        result = await client.call_tool("get_progress", {"operation_id": "missing"})
    assert result.is_error
    tool = _one(spans.get_finished_spans(), "agent_tools.tool get_progress")
    assert tool.status.status_code is trace.StatusCode.ERROR
    assert tool.attributes is not None and tool.attributes["error.type"] == "tool_error"


async def test_without_the_setting_agent_tools_makes_no_spans(
    tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    async with serving(tmp_path) as served, Client(f"{served.base_url}/mcp") as client:
        await _run_counter(f"{served.base_url}/mcp", client)
    finished = spans.get_finished_spans()
    assert named(finished, "tools/call")  # the SDK's own span is there
    assert not named(finished, "agent_tools")


async def test_metrics_and_traces_together_both_see_the_run(
    tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    async with serving(tmp_path, traces="on", metrics=True) as served:
        async with Client(f"{served.base_url}/mcp") as client:
            await _run_counter(f"{served.base_url}/mcp", client)
        metrics = served.telemetry.metrics
    assert metrics is not None
    chunks = metrics.registry.get_sample_value(
        "agent_tools_chunk_duration_seconds_count", {"operation_type": "counter"}
    )
    assert chunks == 2
    assert len(named(spans.get_finished_spans(), "agent_tools.chunk")) == 2
