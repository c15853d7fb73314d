"""A serving engine on a SQLite file that runs background operations, and the ``ops`` command."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent_tools import Engine, Settings
from agent_tools.core.views import OperationView
from tests.fixtures import mcp_ops

OPS_FILE = str(Path(mcp_ops.__file__))
REPO = Path(__file__).resolve().parents[2]
WAIT_S = 20.0


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Serving:
    """The engine that runs the operations, and the store URL the ``ops`` command is given."""

    engine: Engine
    store: str

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

    async def ops(self, *arguments: str, env: dict[str, str] | None = None) -> Ran:
        """Run ``agent-tools ops --store ... --ops <fixtures> ARGUMENTS`` in a subprocess."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "agent_tools.surfaces.cli",
            "ops",
            "--store",
            self.store,
            "--ops",
            OPS_FILE,
            *arguments,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=REPO,
            env={**os.environ, "COLUMNS": "200", **(env or {})},
        )
        out, err = await asyncio.wait_for(process.communicate(), WAIT_S * 3)
        assert process.returncode is not None
        return Ran(process.returncode, out.decode(), err.decode())


def serving_settings() -> Settings:
    # A short lease makes the recovery loop (lease/3) take up operations resumed elsewhere fast.
    return Settings(lease_ttl_s=1.5, inline_lease_grace_s=1.0, budget_ms=1000)


@pytest.fixture
async def serving(tmp_path: Path) -> AsyncIterator[Serving]:
    store = f"sqlite:///{tmp_path / 'ops.db'}"
    async with Engine.from_url(
        store, registry=mcp_ops.registry, settings=serving_settings()
    ) as engine:
        yield Serving(engine, store)
