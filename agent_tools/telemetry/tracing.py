"""OpenTelemetry spans of slices, chunks and checkpoint commits, through the observer hooks.

Spans carry ``agent_tools.operation.id`` and ``agent_tools.operation.type``. A
slice started by a tool call runs in a task created inside that call, so its span
is a child of the call's span (the MCP SDK's ``tools/call`` span, itself a child
of the caller's ``traceparent``); chunks and commits are children of their slice.
"""

from __future__ import annotations

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from agent_tools.core.status import OperationStatus
from agent_tools.runtime.observer import ChunkObservation, Observation, ObservedOperation
from agent_tools.version import __version__

TRACER_NAME = "agent_tools"
OPERATION_ID = "agent_tools.operation.id"
OPERATION_TYPE = "agent_tools.operation.type"


def operation_attributes(operation: ObservedOperation) -> dict[str, str]:
    """The attributes every span about one operation carries."""
    return {OPERATION_ID: operation.operation_id, OPERATION_TYPE: operation.operation_type}


class RuntimeTracing:
    """Spans for the runtime's slices, chunks and commits; an observer."""

    wants_lease_holders = False

    def __init__(self, tracer: Tracer | None = None) -> None:
        self._tracer = tracer or trace.get_tracer(TRACER_NAME, __version__)

    def slice_started(self, operation: ObservedOperation, *, inline: bool) -> Observation:
        attributes = {**operation_attributes(operation), "agent_tools.slice.mode": _mode(inline)}
        span = self._tracer.start_span(
            "agent_tools.slice", kind=SpanKind.INTERNAL, attributes=attributes
        )
        return _CurrentSpan(span, "agent_tools.slice.ended")

    def slice_overshoot(self, operation: ObservedOperation, overshoot_s: float) -> None:
        trace.get_current_span().set_attribute("agent_tools.slice.overshoot_s", overshoot_s)

    def chunk_started(self, operation: ObservedOperation, chunk_index: int) -> ChunkObservation:
        attributes: dict[str, str | int] = {
            **operation_attributes(operation),
            "agent_tools.chunk.index": chunk_index,
        }
        return _ChunkSpan(self._tracer.start_span("agent_tools.chunk", attributes=attributes))

    def checkpoint_started(
        self, operation: ObservedOperation, kind: str, status: OperationStatus
    ) -> Observation:
        attributes = {
            **operation_attributes(operation),
            "agent_tools.checkpoint.kind": kind,
            "agent_tools.operation.status": status.value,
        }
        span = self._tracer.start_span("agent_tools.checkpoint", attributes=attributes)
        return _EndedSpan(span, "agent_tools.checkpoint.outcome", ok="committed")

    def status_entered(self, operation: ObservedOperation, status: OperationStatus) -> None:
        trace.get_current_span().add_event(
            "agent_tools.status", {**operation_attributes(operation), "status": status.value}
        )

    def lease_taken_over(self, operation: ObservedOperation, previous_holder: str) -> None:
        trace.get_current_span().add_event(
            "agent_tools.lease_taken_over",
            {
                **operation_attributes(operation),
                "agent_tools.lease.previous_holder": previous_holder,
            },
        )

    def audit_write_failed(self, entries: int) -> None:
        trace.get_current_span().add_event(
            "agent_tools.audit_write_failed", {"agent_tools.audit.entries": entries}
        )


def _mode(inline: bool) -> str:
    return "inline" if inline else "background"


class _EndedSpan:
    """A span ended with its outcome as an attribute; an error unless the outcome is ``ok``."""

    def __init__(self, span: Span, attribute: str, ok: str | None = None) -> None:
        self._span = span
        self._attribute = attribute
        self._ok = ok

    def finished(self, outcome: str) -> None:
        self._span.set_attribute(self._attribute, outcome)
        if self._ok is not None and outcome != self._ok:
            self._span.set_status(Status(StatusCode.ERROR, outcome))
        self._span.end()


class _CurrentSpan(_EndedSpan):
    """A span made current for the task that started it, until it ends."""

    def __init__(self, span: Span, attribute: str) -> None:
        super().__init__(span, attribute)
        self._token = otel_context.attach(trace.set_span_in_context(span))

    def finished(self, outcome: str) -> None:
        otel_context.detach(self._token)
        super().finished(outcome)


class _ChunkSpan:
    """A chunk's span, current while the chunk runs so its own spans are its children."""

    def __init__(self, span: Span) -> None:
        self._span = span
        self._token = otel_context.attach(trace.set_span_in_context(span))

    def failed(self, error_code: str) -> None:
        self._span.set_attribute("error.type", error_code)
        self._span.set_status(Status(StatusCode.ERROR, error_code))

    def finished(self, attempts: int) -> None:
        self._span.set_attribute("agent_tools.chunk.attempts", attempts)
        otel_context.detach(self._token)
        self._span.end()
