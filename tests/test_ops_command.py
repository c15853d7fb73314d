"""``agent-tools ops``: look at and steer operations from a terminal."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from agent_tools import Engine
from agent_tools.builtin.agent_task import agent_task
from agent_tools.core.registry import OperationRegistry


def ops(store: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_tools.surfaces.cli", "ops", "--store", store, *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def start_task(store: str) -> str:
    async def start() -> str:
        registry = OperationRegistry()
        registry.register(agent_task)
        async with Engine.from_url(store, registry=registry) as engine:
            view = await engine.execute_incrementally("agent_task", {"goal": "tidy up"})
            return view.operation_id

    return asyncio.run(start())


def test_list_show_and_cancel_an_operation_from_the_terminal(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'ops.db'}"
    operation_id = start_task(store)
    listing = ops(store, "list")
    assert listing.returncode == 0, listing.stderr
    assert operation_id in listing.stdout and "running" in listing.stdout
    shown = json.loads(ops(store, "--json", "show", operation_id).stdout)
    assert shown["operation_id"] == operation_id
    cancelled = json.loads(ops(store, "cancel", operation_id).stdout)
    assert cancelled["status"] == "cancelled"
    events = ops(store, "events", operation_id).stdout.splitlines()
    assert [json.loads(line)["kind"] for line in events][-1] == "cancelled"


def test_an_unknown_operation_is_reported_with_its_code(tmp_path: Path) -> None:
    result = ops(f"sqlite:///{tmp_path / 'ops.db'}", "show", "nobody")
    assert result.returncode == 2
    assert "operation_not_found" in result.stderr
