"""Through the engine, on every store: each transition and admin removal is in the audit log,
named for who made it, and no input, state, result or answer ever reaches it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from agent_tools import Engine, Settings
from agent_tools.core.audit import AuditEntry, AuditQuery
from agent_tools.core.principals import LOCAL_USER, Principal, Role, acting_as
from agent_tools.core.purging import PurgeFilter
from agent_tools.core.status import OperationStatus
from agent_tools.runtime import audit_log
from agent_tools.runtime.erasure import erase_principal, purge
from agent_tools.stores.base import Store
from tests.audit.cli import raw_audit_rows
from tests.contract.backends import BACKENDS, opened_store
from tests.fixtures import mcp_ops

ALICE = Principal(name="alice", role=Role.OPERATOR)
SECRET_PLAN = "plan-with-a-secret-7f3a9c"
SECRET_COPIES = 424242


def in_order(entries: Sequence[AuditEntry], expected: Sequence[tuple[str, str]]) -> bool:
    """Whether ``expected`` (action, principal) pairs occur in ``entries`` in this order."""
    seen = iter((entry.record.action, entry.record.principal) for entry in entries)
    return all(pair in seen for pair in expected)


async def approve_and_cancel(engine: Engine) -> tuple[str, str]:
    """As alice: an approval answered and completed, and a counter cancelled."""
    with acting_as(ALICE):
        asked = await engine.execute_incrementally(
            "approval", {"plan": SECRET_PLAN}, mode="inline", budget_ms=5000
        )
        assert asked.status is OperationStatus.PAUSED
        (key,) = asked.input_requests
        done = await engine.provide_input(
            asked.operation_id,
            {key: {"action": "accept", "content": {"copies": SECRET_COPIES}}},
            budget_ms=5000,
        )
        assert done.status is OperationStatus.COMPLETED
        counter = await engine.execute_incrementally(
            "counter", {"total_items": 50}, mode="inline", budget_ms=0
        )
        await engine.cancel(counter.operation_id, reason="no longer needed")
    return asked.operation_id, counter.operation_id


@pytest.fixture(params=BACKENDS)
async def engine_and_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, Engine, Store]]:
    async with opened_store(str(request.param), tmp_path) as store:
        engine = Engine(store, registry=mcp_ops.registry, settings=Settings(budget_ms=1000))
        await engine.start()
        yield str(request.param), engine, store
        await engine.close()
        await store.open()  # the engine closed it; the clean-up needs it open


async def test_transitions_name_their_actor_and_the_chain_holds(
    engine_and_store: tuple[str, Engine, Store],
) -> None:
    _, engine, store = engine_and_store
    approval, counter = await approve_and_cancel(engine)

    asked = await store.read_audit(AuditQuery(operation_id=approval))
    assert in_order(
        asked,
        [
            ("operation.created", "alice"),
            ("operation.running", "system"),
            ("operation.input_requested", "system"),
            ("operation.input_answered", "alice"),
            ("operation.completed", "system"),
        ],
    ), [(entry.record.action, entry.record.principal) for entry in asked]
    cancelled = await store.read_audit(AuditQuery(operation_id=counter))
    assert in_order(
        cancelled,
        [
            ("operation.created", "alice"),
            ("operation.cancelled", "alice"),
        ],
    ), [(entry.record.action, entry.record.principal) for entry in cancelled]
    assert cancelled[-1].record.outcome == "cancelled"
    report = await audit_log.verify(store, None)
    assert report.ok and report.count == len(await store.read_audit(AuditQuery()))


async def test_erase_and_purge_each_leave_one_entry_and_keep_the_erased_history(
    engine_and_store: tuple[str, Engine, Store],
) -> None:
    _, engine, store = engine_and_store
    approval, _ = await approve_and_cancel(engine)
    before = len(await store.read_audit(AuditQuery(operation_id=approval)))

    await erase_principal(engine, LOCAL_USER, "alice")
    await purge(engine, LOCAL_USER, PurgeFilter())

    *_, erased, purged = await store.read_audit(AuditQuery())
    assert (erased.record.action, erased.record.principal) == ("ops.erase", "local")
    assert dict(erased.record.detail) == {
        "owner": "alice",
        "operations": 2,
        "cancelled": 0,
        "tokens": 0,
    }
    assert (purged.record.action, purged.record.detail["operations"]) == ("ops.purge", 0)
    assert len(await store.read_audit(AuditQuery(operation_id=approval))) == before
    assert (await audit_log.verify(store, None)).ok


async def test_no_payload_reaches_the_audit_log(
    engine_and_store: tuple[str, Engine, Store],
) -> None:
    backend, engine, store = engine_and_store
    await approve_and_cancel(engine)

    entries = repr(await store.read_audit(AuditQuery()))
    assert SECRET_PLAN not in entries and str(SECRET_COPIES) not in entries
    if backend in ("sqlite", "postgres", "redis"):
        rows = await raw_audit_rows(backend, store)
        assert "operation.input_answered" in rows
        assert SECRET_PLAN not in rows and str(SECRET_COPIES) not in rows
