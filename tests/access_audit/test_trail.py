"""The recording layer: one entry per access with its outcome, no payload, and a failing log."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from agent_tools.core.errors import OperationNotFoundError
from agent_tools.core.principals import Principal, Role, acting_as
from agent_tools.core.registry import OperationRegistry
from agent_tools.runtime.audit_trail import AuditUnavailableError
from agent_tools.runtime.engine import Engine
from agent_tools.runtime.loading import load_operations
from agent_tools.telemetry.metrics import RuntimeMetrics
from tests.access_audit.conftest import accesses, recorded, seen

ALICE = Principal("alice", Role.OPERATOR)
BOB = Principal("bob", Role.OPERATOR)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "operations.db"


@pytest.fixture
async def engine(database: Path) -> AsyncIterator[Engine]:
    registry = load_operations([], OperationRegistry())
    metrics = RuntimeMetrics(CollectorRegistry())
    async with Engine.from_url(
        f"sqlite:///{database}", registry=registry, observer=metrics
    ) as opened:
        yield opened


async def test_an_access_leaves_one_entry_naming_who_what_which_and_ok(engine: Engine) -> None:
    async with engine.audit_trail.access("alice", "tool.get_progress", operation_id="op-1"):
        pass
    await engine.audit_trail.flush()
    assert seen(await accesses(engine.store)) == [("alice", "tool.get_progress", "op-1", "ok")]


async def test_a_refusal_or_a_change_is_in_the_log_before_the_caller_hears_back(
    engine: Engine,
) -> None:
    with pytest.raises(OperationNotFoundError):
        async with engine.audit_trail.access("alice", "tool.get_progress"):
            raise OperationNotFoundError("gone")
    async with engine.audit_trail.access("alice", "tool.pause", changes=True):
        pass
    assert seen(await accesses(engine.store)) == [
        ("alice", "tool.get_progress", None, "operation_not_found"),
        ("alice", "tool.pause", None, "ok"),
    ]


async def test_a_refusal_is_recorded_with_its_code_and_still_reaches_the_caller(
    engine: Engine,
) -> None:
    with pytest.raises(OperationNotFoundError):
        async with engine.audit_trail.access("alice", "tool.resume", operation_id="gone"):
            raise OperationNotFoundError("gone")
    assert seen(await accesses(engine.store)) == [
        ("alice", "tool.resume", "gone", "operation_not_found")
    ]


async def test_another_principals_operation_is_not_found_for_the_caller_and_not_owner_in_the_log(
    engine: Engine,
) -> None:
    with acting_as(ALICE):
        started = await engine.execute_incrementally("agent_task", {"goal": "alice's"})
    with acting_as(BOB), pytest.raises(OperationNotFoundError) as refused:
        async with engine.audit_trail.access("bob", "tool.get_progress") as access:
            access.name_operation(started.operation_id)
            await engine.get_progress(started.operation_id)
    unknown = OperationNotFoundError(started.operation_id)
    assert refused.value.as_dict() == unknown.as_dict()
    assert str(refused.value) == str(unknown)
    [entry] = await accesses(engine.store)
    assert seen([entry]) == [
        ("bob", "tool.get_progress", started.operation_id, "operation_not_found")
    ]
    assert entry.detail == {"not_owner": True}


async def test_an_overlong_operation_id_is_recorded_cut_with_its_length(engine: Engine) -> None:
    async with engine.audit_trail.access("alice", "tool.get_progress", operation_id="x" * 5000):
        pass
    await engine.audit_trail.flush()
    [entry] = await accesses(engine.store)
    assert entry.operation_id == "x" * 200
    assert entry.detail == {"operation_id_chars": 5000}


def _refuse_audit_writes(database: Path, refuse: bool) -> None:
    """Make the real SQLite audit table refuse inserts (a full disk, a broken table) or not."""
    with sqlite3.connect(database) as connection:
        if refuse:
            connection.execute(
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit log unwritable'); END"
            )
        else:
            connection.execute("DROP TRIGGER refuse_audit")


async def test_a_failing_audit_write_keeps_the_answer_logs_counts_and_closes_writes(
    engine: Engine, database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    trail = engine.audit_trail
    metrics = engine.observer
    assert isinstance(metrics, RuntimeMetrics)
    _refuse_audit_writes(database, refuse=True)
    with caplog.at_level(logging.ERROR, logger="agent_tools.runtime.audit_trail"):
        async with trail.access("alice", "tool.get_progress", operation_id="op-1") as access:
            answer = "the read's answer"
        await trail.flush()
    assert access.outcome == "ok" and answer == "the read's answer"
    assert trail.failing
    assert "the audit log cannot be written" in caplog.text
    failures = metrics.registry.get_sample_value("agent_tools_audit_write_failures_total")
    assert failures is not None and failures >= 1

    ran = False
    with pytest.raises(AuditUnavailableError) as refused:
        async with trail.access("alice", "tool.pause", operation_id="op-1", changes=True):
            ran = True
    assert not ran
    assert refused.value.code == "audit_unavailable"
    async with trail.access("alice", "tool.list_operations"):
        pass  # reads go on while the log fails
    await trail.flush()

    _refuse_audit_writes(database, refuse=False)
    async with trail.access("alice", "tool.pause", operation_id="op-1", changes=True):
        ran = True
    assert ran and not trail.failing
    assert seen(await accesses(engine.store)) == [
        ("alice", "tool.get_progress", "op-1", "ok"),
        ("alice", "tool.pause", "op-1", "audit_unavailable"),
        ("alice", "tool.list_operations", None, "ok"),
        ("alice", "tool.pause", "op-1", "ok"),
    ]


async def test_reads_arriving_while_a_batch_is_written_land_without_a_flush(
    engine: Engine, database: Path
) -> None:
    trail = engine.audit_trail
    other_writer = sqlite3.connect(database, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")  # another process holds the file: appends wait
    try:
        async with trail.access("alice", "tool.get_progress", operation_id="first"):
            pass
        await asyncio.sleep(0.2)  # the first entry's append is under way, waiting for the file
        async with trail.access("alice", "tool.get_progress", operation_id="second"):
            pass
    finally:
        other_writer.execute("COMMIT")
        other_writer.close()
    await recorded(
        engine.store,
        ("alice", "tool.get_progress", "first", "ok"),
        ("alice", "tool.get_progress", "second", "ok"),
    )
