"""The run history behind ETA from earlier runs: kept per type, newest first, bounded, durable."""

from __future__ import annotations

from agent_tools.core.eta_history import HISTORY_KEPT, RunSample
from agent_tools.stores.base import Store
from tests.contract.backends import second_instance


def _sample(operation_type: str, steps: int | None, seconds: float, at: float) -> RunSample:
    return RunSample(
        operation_type=operation_type, total_steps=steps, active_seconds=seconds, finished_at=at
    )


async def test_history_is_read_back_newest_first_per_type(store: Store) -> None:
    await store.record_run(_sample("count", 10, 1.5, 100.0))
    await store.record_run(_sample("other", 3, 9.0, 101.0))
    await store.record_run(_sample("count", 20, 2.25, 102.0))
    await store.record_run(_sample("count", None, 0.5, 103.0))
    assert await store.run_history("count", 10) == [
        _sample("count", None, 0.5, 103.0),
        _sample("count", 20, 2.25, 102.0),
        _sample("count", 10, 1.5, 100.0),
    ]
    assert await store.run_history("count", 2) == [
        _sample("count", None, 0.5, 103.0),
        _sample("count", 20, 2.25, 102.0),
    ]
    assert await store.run_history("other", 10) == [_sample("other", 3, 9.0, 101.0)]
    assert await store.run_history("never_ran", 10) == []


async def test_only_the_newest_samples_of_a_type_are_kept(store: Store) -> None:
    for number in range(HISTORY_KEPT + 5):
        await store.record_run(_sample("count", number + 1, float(number + 1), float(number)))
    kept = await store.run_history("count", HISTORY_KEPT * 2)
    assert len(kept) == HISTORY_KEPT
    assert kept[0].total_steps == HISTORY_KEPT + 5
    assert kept[-1].total_steps == 6


async def test_history_written_by_one_instance_is_read_by_another(
    backend: str, store: Store
) -> None:
    await store.record_run(_sample("count", 7, 3.5, 50.0))
    async with second_instance(backend, store) as twin:
        assert await twin.run_history("count", 5) == [_sample("count", 7, 3.5, 50.0)]
