"""Turn metrics and traces on from the settings: the observer an engine is given, and more.

Nothing here is imported unless a setting asks for it, so a server with both off
loads neither ``prometheus_client`` nor the OpenTelemetry SDK.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agent_tools.core.errors import AgentToolsError
from agent_tools.runtime.observer import RuntimeObserver, combine
from agent_tools.settings import Settings

if TYPE_CHECKING:
    from agent_tools.stores.base import Store
    from agent_tools.telemetry.metrics import RuntimeMetrics
    from agent_tools.telemetry.store_gauges import StoreSnapshot

WORKER_SCRAPE_TIMEOUT_S = 5.0


class TelemetryUnavailableError(AgentToolsError):
    code = "telemetry_unavailable"

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message, hint)


@dataclass
class Telemetry:
    """The observer to give the engine, and the metrics to serve (None when metrics are off)."""

    observer: RuntimeObserver
    metrics: RuntimeMetrics | None = None
    traces: bool = False
    _snapshot: StoreSnapshot | None = field(default=None, repr=False)
    _read_on_scrape: Callable[[], StoreSnapshot] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.metrics is not None:
            from agent_tools.telemetry.store_gauges import StoreGauges

            self.metrics.registry.register(StoreGauges(self._store_snapshot))

    async def render_metrics(self, store: Store) -> bytes:
        """The Prometheus text exposition, with the store's gauges read just now."""
        from prometheus_client import generate_latest

        from agent_tools.telemetry.store_gauges import read_snapshot

        assert self.metrics is not None, "metrics are off"
        self._snapshot = await read_snapshot(store)
        return generate_latest(self.metrics.registry)

    def serve_port(self, port: int, store: Store, loop: asyncio.AbstractEventLoop) -> None:
        """Serve ``/metrics`` on ``port`` from a thread; each scrape reads the store on ``loop``."""
        from prometheus_client import start_http_server

        from agent_tools.telemetry.store_gauges import read_snapshot

        assert self.metrics is not None, "metrics are off"

        def read_now() -> StoreSnapshot:
            future = asyncio.run_coroutine_threadsafe(read_snapshot(store), loop)
            return future.result(WORKER_SCRAPE_TIMEOUT_S)

        self._read_on_scrape = read_now
        start_http_server(port, registry=self.metrics.registry)

    def _store_snapshot(self) -> StoreSnapshot:
        from agent_tools.telemetry.store_gauges import StoreSnapshot

        if self._read_on_scrape is not None:
            return self._read_on_scrape()
        return self._snapshot or StoreSnapshot()


def telemetry_for(settings: Settings) -> Telemetry:
    """What ``settings`` turn on: metrics (``metrics`` or ``metrics_port``), traces (``traces``)."""
    observers: list[RuntimeObserver] = []
    metrics = None
    if settings.metrics or settings.metrics_port is not None:
        metrics = _runtime_metrics()
        observers.append(metrics)
    if settings.traces != "off":
        from agent_tools.telemetry.tracing import RuntimeTracing

        _install_tracer_provider(settings.traces)
        observers.append(RuntimeTracing())
    return Telemetry(combine(observers), metrics, traces=settings.traces != "off")


def _runtime_metrics() -> RuntimeMetrics:
    try:
        from prometheus_client import CollectorRegistry
    except ImportError:
        raise TelemetryUnavailableError(
            "Metrics need the prometheus-client package.",
            "pip install 'agent-tools-incremental[telemetry]', or turn metrics off.",
        ) from None
    from agent_tools.telemetry.metrics import RuntimeMetrics

    return RuntimeMetrics(CollectorRegistry())


def _install_tracer_provider(mode: str) -> None:
    """For ``console`` and ``otlp``, a tracer provider exporting there; ``on`` keeps the host's."""
    if mode == "on":
        return
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
    except ImportError:
        raise TelemetryUnavailableError(
            f"Traces to {mode} need the OpenTelemetry SDK.",
            "pip install 'agent-tools-incremental[telemetry]', or set AGENT_TOOLS_TRACES=off.",
        ) from None
    exporter: SpanExporter
    if mode == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        exporter = ConsoleSpanExporter(out=sys.stderr)
    else:
        try:
            otlp = importlib.import_module("opentelemetry.exporter.otlp.proto.http.trace_exporter")
        except ImportError:
            raise TelemetryUnavailableError(
                "Traces to otlp need the OTLP exporter.",
                "pip install opentelemetry-exporter-otlp-proto-http; it reads "
                "OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318).",
            ) from None
        exporter = otlp.OTLPSpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
