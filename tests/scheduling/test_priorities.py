"""Priorities: with more background operations than slots, higher ones start first, none starves."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from agent_tools import Engine, Settings
from agent_tools.core.errors import InvalidInputError
from agent_tools.core.priorities import WaitingLine, aged_priority, broker_priority
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.background import InProcessDispatcher, Maintenance
from tests.scheduling import gated_work

WAIT_S = 20.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _engine(dispatcher: InProcessDispatcher | None = None, **settings: Any) -> Engine:
    values = {"lease_ttl_s": 2.0, "max_background": 1, **settings}
    return Engine.from_url(
        "memory://",
        registry=gated_work.registry,
        settings=Settings.model_validate(values),
        dispatcher=dispatcher,
    )


@pytest.fixture(autouse=True)
def _fresh_log() -> None:
    gated_work.started.clear()
    gated_work.gate = asyncio.Event()


@pytest.fixture
async def one_slot() -> AsyncIterator[Engine]:
    async with _engine() as engine:
        yield engine


async def _start(
    engine: Engine, label: str, operation_type: str = "labelled", **options: Any
) -> str:
    view = await engine.execute_incrementally(
        operation_type, {"label": label}, mode="background", budget_ms=0, **options
    )
    return view.operation_id


async def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, gated_work.started
        await asyncio.sleep(0.01)


async def _occupy_the_slot(engine: Engine) -> None:
    await _start(engine, "blocker", "blocker")
    await _until(lambda: gated_work.started == ["blocker"])


async def test_higher_priorities_start_first_when_operations_outnumber_slots(
    one_slot: Engine,
) -> None:
    await _occupy_the_slot(one_slot)
    for label, priority in [("low-1", 0), ("high-1", 9), ("mid", 4), ("low-2", 0), ("high-2", 9)]:
        await _start(one_slot, label, priority=priority)
    gated_work.gate.set()
    await _until(lambda: len(gated_work.started) == 6)
    assert gated_work.started == ["blocker", "high-1", "high-2", "mid", "low-1", "low-2"]


async def test_a_type_s_priority_is_the_default_of_its_runs(one_slot: Engine) -> None:
    await _occupy_the_slot(one_slot)
    await _start(one_slot, "plain")
    await _start(one_slot, "urgent by type", "urgent")
    await _start(one_slot, "urgent but lowered", "urgent", priority=0)
    gated_work.gate.set()
    await _until(lambda: len(gated_work.started) == 4)
    assert gated_work.started[1:] == ["urgent by type", "plain", "urgent but lowered"]


async def test_a_long_wait_lifts_a_low_priority_over_newer_urgent_work() -> None:
    clock = FakeClock()
    dispatcher = InProcessDispatcher(1, Maintenance(0.5, aging_s=10.0), clock=clock)
    async with _engine(dispatcher) as engine:
        await _occupy_the_slot(engine)
        await _start(engine, "waited long", priority=0)
        clock.now += 100.0  # ten levels of aging: more than the 9 of a newcomer
        await _start(engine, "urgent newcomer", priority=9)
        gated_work.gate.set()
        await _until(lambda: len(gated_work.started) == 3)
    assert gated_work.started[1:] == ["waited long", "urgent newcomer"]


async def test_without_that_wait_the_urgent_newcomer_goes_first() -> None:
    clock = FakeClock()
    dispatcher = InProcessDispatcher(1, Maintenance(0.5, aging_s=10.0), clock=clock)
    async with _engine(dispatcher) as engine:
        await _occupy_the_slot(engine)
        await _start(engine, "waited a little", priority=0)
        clock.now += 5.0
        await _start(engine, "urgent newcomer", priority=9)
        gated_work.gate.set()
        await _until(lambda: len(gated_work.started) == 3)
    assert gated_work.started[1:] == ["urgent newcomer", "waited a little"]


async def test_a_long_run_gives_its_slot_up_after_a_slice_to_urgent_work() -> None:
    async with _engine(worker_slice_s=0.3) as engine:
        long_run = await engine.execute_incrementally(
            "labelled",
            {"label": "long", "chunks": 100_000, "chunk_ms": 5},
            mode="background",
            budget_ms=0,
        )
        await _until(lambda: gated_work.started == ["long"])
        urgent = await _start(engine, "urgent", priority=9)
        view = await engine.get_progress(urgent, wait_ms=0)
        deadline = time.monotonic() + WAIT_S
        while view.status is not OperationStatus.COMPLETED:
            assert time.monotonic() < deadline, view
            view = await engine.get_progress(urgent, wait_ms=1000)
        still_long = await engine.get_progress(long_run.operation_id)
        assert not still_long.status.is_terminal
        await engine.cancel(long_run.operation_id)


async def test_a_priority_out_of_range_is_refused_and_nothing_is_stored(
    one_slot: Engine,
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await _start(one_slot, "too urgent", priority=10)
    assert "between 0 and 9" in refused.value.message
    assert (await one_slot.list_operations()).operations == []


def test_the_waiting_line_is_first_in_first_out_within_a_priority() -> None:
    line = WaitingLine(aging_s=float("inf"))
    for number, priority in enumerate([1, 5, 1, 5]):
        line.add(f"op{number}", priority, now=float(number))
    assert [line.pop(10.0) for _ in range(5)] == ["op1", "op3", "op0", "op2", None]


def test_aging_adds_one_level_per_aging_period() -> None:
    assert aged_priority(2, waited_s=30.0, aging_s=10.0) == 5.0
    assert aged_priority(2, waited_s=30.0, aging_s=float("inf")) == 2.0


def test_redis_runs_its_lowest_numbers_first_rabbitmq_its_highest() -> None:
    assert broker_priority(9, lower_is_first=True) == 0
    assert broker_priority(9, lower_is_first=False) == 9
    assert broker_priority(14.5, lower_is_first=False) == 9  # aged past the top: the top
