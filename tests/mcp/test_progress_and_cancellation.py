"""While a call runs: progress notifications, deadlines kept, cancellation that loses nothing."""

from __future__ import annotations

import time

import anyio

from tests.mcp.conftest import ConnectFactory, structured
from tests.mcp.helpers import call, resume_until_done

WAIT_DEADLINE_S = 60.0


async def test_a_running_call_sends_rising_progress_notifications(
    connect: ConnectFactory,
) -> None:
    received: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        received.append((progress, total, message))

    async with connect() as client:
        result = await client.call_tool(
            "execute_incrementally",
            {
                "operation_type": "counter",
                "input": {"total_items": 10, "items_per_chunk": 1, "chunk_delay_ms": 30},
                "budget_ms": 30_000,
            },
            progress_callback=on_progress,
        )
    assert structured(result)["status"] == "completed"
    assert len(received) >= 3
    steps = [progress for progress, _, _ in received]
    assert steps == sorted(steps) and steps[-1] == 10
    assert {total for _, total, _ in received} == {10}


async def test_a_call_returns_by_its_budget_while_a_longer_chunk_keeps_running(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        began = time.monotonic()
        first = await call(
            client,
            "execute_incrementally",
            operation_type="slow_chunks",
            input={"chunks": 2, "chunk_ms": 1500},
            budget_ms=300,
        )
        took_s = time.monotonic() - began
        last, items = await resume_until_done(client, first, budget_ms=1000)
    assert first["status"] != "completed"
    assert took_s < 1.2
    assert [item["output"]["chunk"] for item in items] == [1, 2]
    assert last["result"] == {"chunks": 2}


async def test_a_cancelled_call_stops_waiting_and_the_operation_is_not_lost(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        progressed = anyio.Event()

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            if progress >= 2:
                progressed.set()

        async def long_call() -> None:
            await client.call_tool(
                "execute_incrementally",
                {
                    "operation_type": "counter",
                    "operation_id": "cancel-me",
                    "input": {"total_items": 40, "items_per_chunk": 1, "chunk_delay_ms": 50},
                    "budget_ms": 60_000,
                },
                progress_callback=on_progress,
            )

        began = time.monotonic()
        async with anyio.create_task_group() as group:
            group.start_soon(long_call)
            with anyio.fail_after(WAIT_DEADLINE_S):
                await progressed.wait()
            group.cancel_scope.cancel()
        waited_s = time.monotonic() - began

        view = await call(client, "get_progress", operation_id="cancel-me")
        assert view["progress"]["current_step"] >= 2
        last, items = await resume_until_done(client, view, budget_ms=2000)
    assert waited_s < 30
    assert last["result"] == {"count": 40}
    assert [item["output"]["n"] for item in items] == list(range(1, 41))


async def test_get_progress_with_wait_ms_returns_when_progress_changes(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        started = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 5, "items_per_chunk": 1, "chunk_delay_ms": 200},
            mode="background",
            budget_ms=0,
        )
        began = time.monotonic()
        changed = await call(
            client, "get_progress", operation_id=started["operation_id"], wait_ms=20_000
        )
        waited_s = time.monotonic() - began
        await call(client, "cancel", operation_id=started["operation_id"])
    assert waited_s < 15
    assert changed["progress"]["current_step"] > started["progress"]["current_step"] or (
        changed["status"] != started["status"]
    )
