"""``audit list``: one operation's entries, as lines or JSON; admins only."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_tools.core.principals import LOCAL_USER
from agent_tools.stores.sqlite import SqliteStore
from tests.audit.cli import agent_tools
from tests.contract.audit_chains import access


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(f"sqlite:///{tmp_path / 'ops.db'}")
    await opened.open()
    await opened.append_audit(
        [access(number, operation_id=f"op-{number % 2}") for number in range(6)]
    )
    yield opened
    await opened.close()


async def test_list_json_gives_one_operations_entries_oldest_first(store: SqliteStore) -> None:
    ran = await agent_tools("audit", "list", "--operation", "op-1", "--json", "--store", store.url)
    assert ran.returncode == 0, ran.stderr
    rows = [json.loads(line) for line in ran.stdout.splitlines()]
    assert [row["seq"] for row in rows] == [2, 4, 6]
    assert {row["operation_id"] for row in rows} == {"op-1"}
    assert rows[0]["principal"] == "alice" and rows[0]["action"] == "get_progress"
    assert len(rows[0]["hash"]) == 64


async def test_list_lines_show_who_did_what(store: SqliteStore) -> None:
    ran = await agent_tools("audit", "list", "--operation", "op-0", "--store", store.url)
    lines = ran.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].split()[0] == "1" and "alice get_progress ok op-0" in lines[0]


@pytest.mark.parametrize("action", ["list", "verify"])
async def test_a_principal_below_admin_is_refused(store: SqliteStore, action: str) -> None:
    ran = await agent_tools(
        "audit", action, "--as", "bob", "--role", "operator", "--store", store.url
    )
    assert ran.returncode == 2
    assert "role_required" in ran.stderr and ran.stdout == ""


async def test_reading_the_log_is_itself_recorded_refusals_included(store: SqliteStore) -> None:
    await agent_tools("audit", "list", "--operation", "op-1", "--store", store.url)
    await agent_tools("audit", "verify", "--as", "bob", "--role", "reader", "--store", store.url)
    ran = await agent_tools("audit", "list", "--json", "--store", store.url)
    rows = [json.loads(line) for line in ran.stdout.splitlines()]
    seen = [(row["principal"], row["action"], row["outcome"], row["operation_id"]) for row in rows]
    assert seen[-2:] == [
        (LOCAL_USER.name, "audit.list", "ok", "op-1"),
        ("bob", "audit.verify", "role_required", None),
    ]
