"""Prometheus metrics: what the runtime counts and times, and how /metrics serves it."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from agent_tools import Engine, OperationRegistry, Settings
from agent_tools.core.principals import Role
from agent_tools.core.records import LeaseRequest
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.hand_off import HandOffDispatcher
from agent_tools.surfaces.auth.token_file import TokenFile
from agent_tools.telemetry.setup import Telemetry, telemetry_for
from tests.fixtures import mcp_ops
from tests.telemetry import ops
from tests.web.serving import serving

RUN_BUDGET_MS = 20_000


def _registry() -> OperationRegistry:
    registry = OperationRegistry()
    registry.register(mcp_ops.counter)
    registry.register(ops.flaky)
    return registry


@pytest.fixture
async def metered(tmp_path: Path) -> AsyncIterator[tuple[Engine, Telemetry]]:
    settings = Settings(store=f"sqlite:///{tmp_path / 'ops.db'}", metrics=True)
    telemetry = telemetry_for(settings)
    engine = Engine.from_settings(settings, registry=_registry(), observer=telemetry.observer)
    async with engine:
        yield engine, telemetry


def _value(telemetry: Telemetry, name: str, **labels: str) -> float:
    assert telemetry.metrics is not None
    value = telemetry.metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


async def test_a_finished_run_counts_its_statuses_chunks_and_commits(
    metered: tuple[Engine, Telemetry],
) -> None:
    engine, telemetry = metered
    view = await engine.execute_incrementally(
        "counter", {"total_items": 6, "items_per_chunk": 2}, budget_ms=RUN_BUDGET_MS
    )
    assert view.status is OperationStatus.COMPLETED
    counter = {"operation_type": "counter"}
    assert _value(telemetry, "agent_tools_operations_total", **counter, status="pending") == 1
    assert _value(telemetry, "agent_tools_operations_total", **counter, status="completed") == 1
    assert _value(telemetry, "agent_tools_chunk_duration_seconds_count", **counter) == 3
    commits = _value(
        telemetry,
        "agent_tools_checkpoint_commit_seconds_count",
        **counter,
        kind="completed",
        outcome="committed",
    )
    assert commits == 1
    assert _value(telemetry, "agent_tools_slice_overshoot_seconds_count", **counter) == 1
    assert _value(telemetry, "agent_tools_chunk_retries_total", **counter) == 0


async def test_retries_are_counted_per_operation_type(metered: tuple[Engine, Telemetry]) -> None:
    engine, telemetry = metered
    view = await engine.execute_incrementally("flaky", {"chunks": 3}, budget_ms=RUN_BUDGET_MS)
    assert view.status is OperationStatus.COMPLETED
    assert _value(telemetry, "agent_tools_chunk_retries_total", operation_type="flaky") == 3


async def test_pause_and_cancel_are_counted(metered: tuple[Engine, Telemetry]) -> None:
    engine, telemetry = metered
    paused = await engine.execute_incrementally(
        "counter",
        {"total_items": 500, "chunk_delay_ms": 20},
        mode="background",
        budget_ms=0,
    )
    await engine.pause(paused.operation_id)
    await engine.cancel(paused.operation_id)
    labels = {"operation_type": "counter"}
    assert _value(telemetry, "agent_tools_operations_total", **labels, status="paused") == 1
    assert _value(telemetry, "agent_tools_operations_total", **labels, status="cancelled") == 1


async def test_taking_over_a_lapsed_lease_is_counted(metered: tuple[Engine, Telemetry]) -> None:
    engine, telemetry = metered
    view = await engine.execute_incrementally("counter", {"total_items": 3}, budget_ms=0)
    # A holder on another host that died: its lease ran out ten seconds ago.
    lapsed = await engine.store.acquire_lease(
        LeaseRequest(operation_id=view.operation_id, holder="other-host:dead", ttl_s=1.0),
        time.time() - 10,
    )
    assert lapsed is not None
    resumed = await engine.resume(view.operation_id, budget_ms=RUN_BUDGET_MS)
    assert resumed.status is OperationStatus.COMPLETED
    assert _value(telemetry, "agent_tools_lease_takeovers_total", operation_type="counter") == 1


async def test_metrics_follow_prometheus_naming_with_no_operation_ids(tmp_path: Path) -> None:
    async with serving(tmp_path, metrics=True) as served:
        view = await served.engine.execute_incrementally(
            "counter", {"total_items": 4}, budget_ms=RUN_BUDGET_MS
        )
        waiting = await served.start_counter(total_items=500, chunk_delay_ms=50)
        await served.wait_for(waiting, lambda v: v.status is OperationStatus.RUNNING)
        async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as client:
            response = await client.get("/metrics")
        await served.engine.cancel(waiting)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = {family.name: family for family in text_string_to_metric_families(response.text)}
    ours = {name: family for name, family in families.items() if name.startswith("agent_tools")}
    assert {
        "agent_tools_operations",
        "agent_tools_chunk_duration_seconds",
        "agent_tools_checkpoint_commit_seconds",
        "agent_tools_slice_overshoot_seconds",
        "agent_tools_lease_takeovers",
        "agent_tools_chunk_retries",
        "agent_tools_active_operations",
        "agent_tools_queue_depth",
        "agent_tools_queue_oldest_age_seconds",
    } <= set(ours)
    for family in ours.values():
        if family.type == "counter":
            assert all(s.name.endswith(("_total", "_created")) for s in family.samples)
        for sample in family.samples:
            assert "operation_id" not in sample.labels
            assert view.operation_id not in sample.labels.values()
            assert waiting not in sample.labels.values()
    active = {
        (s.labels["operation_type"], s.labels["status"]): s.value
        for s in ours["agent_tools_active_operations"].samples
    }
    assert active[("counter", "running")] == 1


async def test_metrics_need_a_bearer_token_when_auth_is_on(tmp_path: Path) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    _, token = tokens.create("prometheus", Role.READER)
    settings = {"metrics": True, "no_auth": False, "tokens_file": tokens.path}
    async with (
        serving(tmp_path, **settings) as served,
        httpx.AsyncClient(base_url=served.base_url, timeout=30) as client,
    ):
        refused = await client.get("/metrics")
        scraped = await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert scraped.status_code == 200
    assert "agent_tools_queue_depth" in scraped.text


async def test_without_the_setting_there_is_no_metrics_endpoint(tmp_path: Path) -> None:
    async with serving(tmp_path) as served:
        assert served.telemetry.metrics is None
        async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as client:
            response = await client.get("/metrics")
    assert response.status_code == 404


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def worker_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop on a thread of its own, as a worker process runs its engine."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()


def test_a_worker_port_reads_the_store_on_every_scrape(
    tmp_path: Path, worker_loop: asyncio.AbstractEventLoop
) -> None:
    port = _free_port()
    settings = Settings(store=f"sqlite:///{tmp_path / 'ops.db'}", metrics_port=port)
    telemetry = telemetry_for(settings)
    engine = Engine.from_settings(
        settings, registry=_registry(), dispatcher=HandOffDispatcher(), observer=telemetry.observer
    )

    def on_loop(coroutine: object) -> object:
        return asyncio.run_coroutine_threadsafe(coroutine, worker_loop).result(30)  # type: ignore[arg-type]

    on_loop(engine.start())
    try:
        telemetry.serve_port(port, engine.store, worker_loop)
        before = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30).text
        # A background operation no runner holds: it waits in the queue.
        on_loop(
            engine.execute_incrementally(
                "counter", {"total_items": 3}, mode="background", budget_ms=0
            )
        )
        after = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30).text
    finally:
        on_loop(engine.close())
    assert "agent_tools_queue_depth 0.0" in before
    assert "agent_tools_queue_depth 1.0" in after
    assert 'agent_tools_operations_total{operation_type="counter",status="pending"} 1.0' in after
