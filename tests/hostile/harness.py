"""An engine on a SQLite file, its surfaces, and the raw bytes of the store to compare."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Awaitable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import strategies as st

from agent_tools.core.registry import OperationRegistry
from agent_tools.runtime.engine import Engine
from agent_tools.runtime.loading import load_operations
from agent_tools.settings import Settings
from agent_tools.surfaces.tool_catalog import TOOLS
from tests.mcp.conftest import MCP_OPS

AUDIT_TABLES = frozenset({"audit_log", "audit_head"})
"""Where every access is recorded, refusals included: the one part a refusal changes."""
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

    def run(self, work: Awaitable[T]) -> T:
        return self.loop.run_until_complete(asyncio.wait_for(work, CALL_DEADLINE_S))

    def settle(self) -> None:
        """Cancel whatever a successful call left running, so nothing writes behind our back."""
        listed = self.run(self.engine.list_operations(limit=200)).operations
        for summary in listed:
            if not summary.status.is_terminal:
                self.run(self.engine.cancel(summary.operation_id, reason="settle"))

    def close(self) -> None:
        self.run(self.engine.close())
        self.loop.close()


def check_error(error: dict[str, Any]) -> None:
    """An error an agent can act on: a stable code (never an internal one), a message, a hint."""
    assert isinstance(error["code"], str) and error["code"] != "internal_error", error
    assert error["message"] and error["hint"], error
    json.dumps(error)


Contents = list[tuple[str, str, list[str]]]


def stored_contents(database: Path) -> Contents:
    """Every table of the SQLite store but the audit log's: its schema and all its rows.

    Compared before and after a refused call: the audit log gains the refusal's entry
    (so the file's bytes change), and nothing else may change at all.
    """
    with closing(sqlite3.connect(database)) as connection:
        tables = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        return [
            (name, sql, sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{name}"')))
            for name, sql in tables
            if name not in AUDIT_TABLES
        ]


def audit_head(database: Path) -> int:
    """The sequence number of the last audit entry."""
    with closing(sqlite3.connect(database)) as connection:
        (seq,) = connection.execute("SELECT seq FROM audit_head").fetchone()
        return int(seq)


@dataclass(frozen=True)
class Snapshot:
    """What the store held before a call: every table but the audit log, and where it ended."""

    contents: Contents
    audit_seq: int

    @classmethod
    def of(cls, database: Path) -> Snapshot:
        return cls(stored_contents(database), audit_head(database))

    def check_only_refusal_recorded(
        self, database: Path, action: str, outcome: str | None = None
    ) -> None:
        """Nothing changed but the audit log, which gained exactly the refusal's entry.

        ``outcome`` is the refusal's code; None when the caller saw only a JSON-RPC error
        (then any outcome but ``ok``).
        """
        assert stored_contents(database) == self.contents
        with closing(sqlite3.connect(database)) as connection:
            added = connection.execute(
                "SELECT action, outcome FROM audit_log WHERE seq > ? ORDER BY seq",
                (self.audit_seq,),
            ).fetchall()
        assert [entry_action for entry_action, _ in added] == [action], added
        assert added[0][1] == outcome if outcome is not None else added[0][1] != "ok", added
