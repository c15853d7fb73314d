"""An engine on a SQLite file, its surfaces, and the raw bytes of the store to compare."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import strategies as st

from agent_tools.core.registry import OperationRegistry
from agent_tools.runtime.engine import Engine
from agent_tools.runtime.loading import load_operations
from agent_tools.settings import Settings
from agent_tools.surfaces.tool_catalog import TOOLS
from tests.mcp.conftest import MCP_OPS

CALL_DEADLINE_S = 60.0
"""A generous bound: a call that has not answered by then counts as a hang."""
T = TypeVar("T")

HOSTILE_TEXT = [
    "",
    "../../../../etc/passwd",
    "/etc/shadow",
    "a\x00b",
    "\u202etxt.exe",
    "\ud800",
    "x" * 100_000,
    "http://169.254.169.254/latest/meta-data/",
    "file:///etc/passwd",
    "'; DROP TABLE operations; --",
    "{{7*7}}",
    "counter-000000000000",
]
HOSTILE_NUMBERS = [-1, 0, 2**63, -(2**63) - 1, 10**30, 1e308]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(HOSTILE_TEXT)
    | st.sampled_from(HOSTILE_NUMBERS),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


def argument_names() -> list[str]:
    """Every argument any tool takes, plus the fields of the built-in inputs."""
    names = {name for spec in TOOLS for name in spec.arguments_model.model_fields}
    return sorted(names | {"path", "url", "requests", "action", "pattern", "total_items"})


def arguments() -> st.SearchStrategy[dict[str, Any]]:
    """Argument objects, mostly wrong: known names with hostile values, and unknown names."""
    return st.dictionaries(
        st.sampled_from(argument_names()) | st.text(max_size=8), json_values, max_size=6
    )


class Harness:
    """One event loop and one engine for a whole property test (hypothesis runs sync)."""

    def __init__(self, folder: Path) -> None:
        self.database = folder / "operations.db"
        self.loop = asyncio.new_event_loop()
        settings = Settings(
            store=f"sqlite:///{self.database}",
            max_budget_ms=200,
            max_wait_ms=50,
            root=[folder],
        )
        registry = load_operations([MCP_OPS], OperationRegistry())
        self.engine = Engine.from_settings(settings, registry=registry)
        self.run(self.engine.start())
        view = self.run(
            self.engine.execute_incrementally("counter", {"total_items": 2}, budget_ms=200)
        )
        self.operation_id = view.operation_id

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(asyncio.wait_for(work, CALL_DEADLINE_S))

    def settle(self) -> None:
        """Cancel whatever a successful call left running, so nothing writes behind our back."""
        listed = self.run(self.engine.list_operations(limit=200)).operations
        for summary in listed:
            if not summary.status.is_terminal:
                self.run(self.engine.cancel(summary.operation_id, reason="settle"))

    def store_bytes(self) -> bytes:
        """The SQLite file and its WAL, byte for byte."""
        wal = self.database.with_name(self.database.name + "-wal")
        return self.database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    def close(self) -> None:
        self.run(self.engine.close())
        self.loop.close()


def check_error(error: dict[str, Any]) -> None:
    """An error an agent can act on: a stable code (never an internal one), a message, a hint."""
    assert isinstance(error["code"], str) and error["code"] != "internal_error", error
    assert error["message"] and error["hint"], error
    json.dumps(error)
