"""Erasing a principal through the engine, on every store: live work is cancelled, all goes."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_tools import Engine, Settings
from agent_tools.core.principals import LOCAL_USER, Principal, Role, RoleRequiredError, acting_as
from agent_tools.core.purging import PurgeFilter
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.erasure import erase_principal, purge
from tests.contract.backends import BACKENDS, opened_store
from tests.fixtures import mcp_ops

ALICE = Principal(name="alice", role=Role.OPERATOR)
BOB = Principal(name="bob", role=Role.OPERATOR)


async def start(engine: Engine, principal: Principal, *, finish: bool) -> str:
    with acting_as(principal):
        view = await engine.execute_incrementally(
            "counter", {"total_items": 3, "chunk_delay_ms": 0}, mode="inline", budget_ms=0
        )
        if finish:
            view = await engine.resume(view.operation_id, budget_ms=5000)
            assert view.status is OperationStatus.COMPLETED
    return view.operation_id


@pytest.mark.parametrize("backend", BACKENDS)
async def test_erase_and_purge_on_every_store(backend: str, tmp_path: Path) -> None:
    async with opened_store(backend, tmp_path) as store:
        engine = Engine(store, registry=mcp_ops.registry, settings=Settings(budget_ms=1000))
        await engine.start()
        alices_paused = await start(engine, ALICE, finish=False)
        alices_done = await start(engine, ALICE, finish=True)
        bobs_done = await start(engine, BOB, finish=True)
        bobs_paused = await start(engine, BOB, finish=False)
        revoked: list[str] = []

        def revoke(owner: str) -> int:
            revoked.append(owner)
            return 1

        with pytest.raises(RoleRequiredError):
            await erase_principal(engine, BOB, "alice")
        done = await erase_principal(engine, LOCAL_USER, "alice", revoke)

        assert (done.operations, done.cancelled, done.tokens) == (2, 1, 1)
        assert revoked == ["alice"]
        for gone in (alices_paused, alices_done):
            assert await store.get_operation(gone) is None
            assert await store.read_items(gone, 0, 10) == []
            assert await store.list_events(gone) == []
        assert await purge(engine, LOCAL_USER, PurgeFilter()) == 1
        assert await store.get_operation(bobs_done) is None
        assert await store.get_operation(bobs_paused) is not None
        await engine.close()
        await store.open()  # the engine closed it; the clean-up needs it open
