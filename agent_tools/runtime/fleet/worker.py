"""``agent-tools worker``: a Celery worker that runs slices of background operations.

One worker process holds one engine on one event loop, in a thread of its own.
Celery's thread pool runs tasks; each task hands its slice to that loop and
blocks until it ends, while the loop keeps renewing the lease at a third of its
length. A slice that leaves work re-enqueues the operation, so long operations
share the fleet fairly instead of pinning one worker for days.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Protocol

from celery import Celery

from agent_tools.core.registry import OperationRegistry
from agent_tools.runtime.background import Maintenance
from agent_tools.runtime.engine import Engine
from agent_tools.runtime.fleet.celery_app import RUN_SLICE_TASK, make_celery, send_slice
from agent_tools.runtime.fleet.dispatcher import CeleryDispatcher
from agent_tools.runtime.loading import load_operations
from agent_tools.runtime.observer import RuntimeObserver
from agent_tools.settings import Settings
from agent_tools.stores.base import Store

logger = logging.getLogger(__name__)


class WorkerTelemetry(Protocol):
    """Metrics and traces of a worker (``agent_tools.telemetry``, chosen by the command)."""

    @property
    def observer(self) -> RuntimeObserver: ...

    def serve_port(self, port: int, store: Store, loop: asyncio.AbstractEventLoop) -> None:
        """Serve ``/metrics`` on ``port``, reading ``store`` on ``loop`` at each scrape."""


class SliceRunner:
    """The worker's engine on a private event loop, callable from Celery's threads."""

    def __init__(self, settings: Settings, app: Celery, telemetry: WorkerTelemetry) -> None:
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="agent-tools-loop")
        registry = load_operations(settings.ops, OperationRegistry())
        dispatcher = CeleryDispatcher(
            app, Maintenance.from_settings(settings), queue=settings.queue
        )
        self._telemetry = telemetry
        self.engine = Engine.from_settings(
            settings, registry=registry, dispatcher=dispatcher, observer=self._telemetry.observer
        )

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.engine.start(), self._loop).result()
        if self._settings.metrics_port is not None:
            self._telemetry.serve_port(self._settings.metrics_port, self.engine.store, self._loop)

    def run_slice(self, operation_id: str) -> bool:
        """Run one slice of ``operation_id`` here; True when work remains."""
        future = asyncio.run_coroutine_threadsafe(
            self.engine.run_background(operation_id, run_for_s=self._settings.worker_slice_s),
            self._loop,
        )
        return future.result()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.engine.close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()


def run_worker(settings: Settings, telemetry: WorkerTelemetry) -> None:
    """Run a Celery worker for ``settings`` until it is told to stop."""
    if not settings.broker:
        raise ValueError("a worker needs a broker URL")
    app = make_celery(settings.broker, settings.queue)
    runner = SliceRunner(settings, app, telemetry)

    @app.task(name=RUN_SLICE_TASK)  # type: ignore[untyped-decorator]
    def run_slice(operation_id: str, priority: float = 0) -> None:
        # Back in the queue at the priority it came with; waiting there ages it again.
        if runner.run_slice(operation_id):
            send_slice(app, settings.queue, operation_id, priority)

    runner.start()
    try:
        app.worker_main(
            argv=[
                "worker",
                "--pool=threads",
                f"--concurrency={settings.concurrency}",
                f"--queues={settings.queue}",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        )
    finally:
        runner.stop()
