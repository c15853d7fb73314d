"""Inline calls from several servers on one shared store: each chunk is committed once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agent_tools import Engine, OperationStatus, Settings
from agent_tools.stores import open_store
from tests.engine import ops
from tests.fleet.harness import store_url

CHUNKS = 30


async def keep_resuming(engine: Engine, operation_id: str) -> int:
    """Call resume until the operation completes; return how many calls it took."""
    calls = 0
    while (await engine.get_progress(operation_id)).status is not OperationStatus.COMPLETED:
        await engine.resume(operation_id, budget_ms=60)
        calls += 1
    return calls


@pytest.mark.parametrize("backend", ["sqlite", "postgres", "redis"])
async def test_two_servers_racing_to_resume_commit_each_chunk_once(
    backend: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}" if backend == "sqlite" else store_url(backend)
    settings = Settings(store=url, inline_lease_grace_s=1.0, lease_ttl_s=2.0)
    first = Engine.from_url(url, registry=ops.registry, settings=settings)
    second = Engine.from_url(url, registry=ops.registry, settings=settings)
    try:
        async with first, second:
            view = await first.execute_incrementally(
                "count", {"total": CHUNKS, "chunk_delay_ms": 15}, budget_ms=0
            )
            calls = await asyncio.gather(
                keep_resuming(first, view.operation_id),
                keep_resuming(second, view.operation_id),
            )
            assert min(calls) >= 1
            results = await second.get_results(view.operation_id, limit=100)
            assert [item.output["n"] for item in results.items] == list(range(1, CHUNKS + 1))  # type: ignore[index,call-overload]
            committed: list[int] = []
            for event in await first.store.list_events(view.operation_id):
                if "first_chunk" in event.detail:
                    first_chunk, next_chunk = (
                        event.detail["first_chunk"],
                        event.detail["next_chunk"],
                    )
                    assert isinstance(first_chunk, int) and isinstance(next_chunk, int)
                    committed += range(first_chunk, next_chunk)
            assert sorted(committed) == list(range(CHUNKS))
    finally:
        if backend != "sqlite":
            leftover = open_store(url)
            await leftover.open()
            await leftover.drop_everything()  # type: ignore[attr-defined]
            await leftover.close()
