"""A real ``agent-tools worker --metrics-port`` on Redis: its own /metrics counts its slices."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.fleet.harness import (
    REDIS_BROKER,
    dispatching_engine,
    empty_broker,
    one_worker,
    store_url,
    wait_all_completed,
)

pytestmark = [pytest.mark.redis, pytest.mark.slow]

SCRAPE_DEADLINE_S = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the worker's /metrics, by name and labels; empty until it listens."""
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    except httpx.TransportError:
        return {}
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@contextlib.contextmanager
def metrics_worker(store: str, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``agent-tools worker --metrics-port port`` on ``store`` and the Redis broker."""
    with one_worker(
        store, REDIS_BROKER, log, "--concurrency", "1", "--metrics-port", str(port)
    ) as worker:
        yield worker


async def test_a_worker_serves_the_metrics_of_the_slices_it_ran(tmp_path: Path) -> None:
    store = store_url("redis")
    empty_broker(REDIS_BROKER)
    port = _free_port()
    chunks_key = (
        "agent_tools_chunk_duration_seconds_count",
        (("operation_type", "fleet_count"),),
    )
    with metrics_worker(store, port, tmp_path / "worker.err"):
        async with dispatching_engine(store, REDIS_BROKER) as engine:
            ids = []
            for _ in range(2):
                view = await engine.execute_incrementally(
                    "fleet_count",
                    {"total": 5, "chunk_ms": 10, "log_dir": str(tmp_path)},
                    mode="background",
                    budget_ms=0,
                )
                ids.append(view.operation_id)
            await wait_all_completed(engine, ids, timeout_s=SCRAPE_DEADLINE_S)
            deadline = time.monotonic() + SCRAPE_DEADLINE_S
            samples = _scrape(port)
            while samples.get(chunks_key, 0) < 10:
                assert time.monotonic() < deadline, sorted(samples)[:20]
                await engine.get_progress(ids[0], wait_ms=200)
                samples = _scrape(port)
    completed = (
        "agent_tools_operations_total",
        (("operation_type", "fleet_count"), ("status", "completed")),
    )
    assert samples[chunks_key] == 10
    assert samples[completed] == 2
    assert samples[("agent_tools_queue_depth", ())] == 0
