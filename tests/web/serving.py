"""The HTTP server of ``agent-tools serve --http``, run in the test's own event loop.

In-process so a test holds the serving engine: it starts operations on it and
checks what a click in the browser did through ``get_progress``, not the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from agent_tools import Engine, Settings
from agent_tools.core.records import OperationRecord
from agent_tools.core.views import OperationView
from agent_tools.surfaces.auth.http_auth import http_auth
from agent_tools.surfaces.mcp.transports import build_http_app, engine_for
from agent_tools.telemetry.setup import Telemetry, telemetry_for
from tests.fixtures import mcp_ops

OPS_FILE = str(Path(mcp_ops.__file__))
STARTUP_DEADLINE_S = 30.0
WAIT_S = 30.0


@dataclass
class Served:
    """A listening server: its base URL, the engine behind it and its telemetry."""

    base_url: str
    engine: Engine
    telemetry: Telemetry

    async def start_counter(
        self, total_items: int, chunk_delay_ms: float, mode: str = "background"
    ) -> str:
        view = await self.engine.execute_incrementally(
            "counter",
            {"total_items": total_items, "chunk_delay_ms": chunk_delay_ms},
            mode=mode,  # type: ignore[arg-type]
            budget_ms=0,
        )
        return view.operation_id

    async def settled(self, operation_id: str, quiet_s: float = 1.0) -> OperationRecord:
        """The record once a whole ``quiet_s`` passes without a commit or status change."""
        store = self.engine.store
        record = await store.get_operation(operation_id)
        deadline = time.monotonic() + WAIT_S
        while True:
            assert record is not None
            await store.wait_for_change(operation_id, record.revision, quiet_s)
            later = await store.get_operation(operation_id)
            assert later is not None
            if later.revision == record.revision:
                return later
            assert time.monotonic() < deadline, "the operation kept changing"
            record = later

    async def wait_for(
        self, operation_id: str, condition: Callable[[OperationView], bool]
    ) -> OperationView:
        """The operation's view once ``condition`` holds; fails after ``WAIT_S``."""
        deadline = time.monotonic() + WAIT_S
        while True:
            view = await self.engine.get_progress(operation_id, wait_ms=200)
            if condition(view):
                return view
            assert time.monotonic() < deadline, f"condition not met: {view}"
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def serving(tmp_path: Path, **overrides: object) -> AsyncIterator[Served]:
    """``serve --http`` on a free loopback port, on a SQLite store in ``tmp_path``."""
    values: dict[str, object] = {
        "store": f"sqlite:///{tmp_path / 'ops.db'}",
        "ops": [OPS_FILE],
        "http": True,
        "port": 0,
        "no_auth": True,
        "lease_ttl_s": 2.0,
        "inline_lease_grace_s": 1.0,
    }
    values.update(overrides)
    settings = Settings.model_validate(values)
    auth = http_auth(settings)
    telemetry = telemetry_for(settings)
    engine = engine_for(settings, telemetry.observer)
    async with engine:
        app = build_http_app(settings, engine, auth, telemetry)
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="on"
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while not server.started:
            assert not task.done(), "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start"
            await asyncio.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            yield Served(f"http://127.0.0.1:{port}", engine, telemetry)
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, 30)
