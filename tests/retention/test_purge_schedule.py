"""Each process purges at start, then about once per interval at spread times: a fleet does not
purge at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agent_tools.runtime.purge_schedule import PurgeSchedule, purge_if_due
from agent_tools.stores.memory import MemoryStore
from tests.contract.records import new_record


def always(draw: float) -> Callable[[], float]:
    """A random source that always draws ``draw``."""
    return lambda: draw


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_first_purge_comes_at_start_up() -> None:
    clock = Clock()
    assert PurgeSchedule(60.0, clock=clock, rng=always(0.7)).due()


def test_later_purges_are_half_to_one_and_a_half_intervals_apart() -> None:
    clock = Clock()
    for draw, wait_s in ((0.0, 30.0), (0.5, 60.0), (1.0, 90.0)):
        schedule = PurgeSchedule(60.0, clock=clock, rng=always(draw))
        schedule.purged()
        assert schedule.next_at - clock.now == pytest.approx(wait_s)


def test_a_purge_is_not_due_before_its_time() -> None:
    clock = Clock()
    schedule = PurgeSchedule(60.0, clock=clock, rng=always(0.5))
    schedule.purged()
    clock.now += 59.0
    assert not schedule.due()
    clock.now += 1.0
    assert schedule.due()


def test_a_non_positive_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        PurgeSchedule(0.0)


async def test_purge_if_due_purges_once_then_waits_for_the_next_turn() -> None:
    clock = Clock()
    store = MemoryStore()
    schedule = PurgeSchedule(60.0, clock=clock, rng=always(0.0))
    await store.create_operation(new_record("gone", expires_at=1.0))
    await store.create_operation(new_record("later", expires_at=1.0))
    assert await purge_if_due(store, schedule, now=2.0) == 2
    await store.create_operation(new_record("next", expires_at=1.0))
    assert await purge_if_due(store, schedule, now=2.0) == 0
    clock.now += 30.0
    assert await purge_if_due(store, schedule, now=2.0) == 1
