"""Real worker processes, a real broker and a shared store, for fleet tests."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import redis

from agent_tools import Engine, OperationRegistry, Settings
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.background import Maintenance
from agent_tools.runtime.fleet.celery_app import DEFAULT_QUEUE
from agent_tools.runtime.fleet.dispatcher import fleet_dispatcher
from agent_tools.runtime.loading import load_operations
from agent_tools.stores import open_store
from tests.services import REDIS_URL, require_service

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OPS = "tests.fixtures.fleet_ops"
REDIS_BROKER = "redis://127.0.0.1:6379/13"
RABBIT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"
LEASE_TTL_S = 2.0


def store_url(backend: str) -> str:
    unique = f"fleet_{uuid.uuid4().hex[:10]}"
    if backend == "postgres":
        require_service("PostgreSQL", "127.0.0.1", 5432)
        return f"postgresql://postgres@127.0.0.1:5432/test?schema={unique}"
    require_service("Redis", "127.0.0.1", 6379)
    return f"{REDIS_URL}?prefix={unique}"


def empty_broker(broker: str) -> None:
    """Drop tasks left over from earlier runs so each test starts with an empty queue."""
    if broker.startswith("redis://"):
        require_service("Redis", "127.0.0.1", 6379)
        redis.Redis.from_url(broker).flushdb()
    else:
        require_service("RabbitMQ", "127.0.0.1", 5672)
        from kombu import Connection

        with Connection(broker) as connection, contextlib.suppress(Exception):
            connection.default_channel.queue_purge(DEFAULT_QUEUE)


def start_server_standin(
    store: str, broker: str, log_dir: Path, count: int
) -> subprocess.Popen[str]:
    """A process that starts ``count`` operations on the fleet, printing each id."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fleet.starter", store, broker, str(log_dir), str(count)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


class Workers:
    """``agent-tools worker`` subprocesses that can be killed and replaced."""

    def __init__(
        self, store: str, broker: str, count: int, log_dir: Path, queue: str = DEFAULT_QUEUE
    ) -> None:
        self.store, self.broker, self.log_dir, self.queue = store, broker, log_dir, queue
        self.processes: list[subprocess.Popen[bytes]] = []
        self.kills = 0
        for _ in range(count):
            self.start_one()

    def start_one(self) -> subprocess.Popen[bytes]:
        environment = {
            **os.environ,
            "AGENT_TOOLS_STORE": self.store,
            "AGENT_TOOLS_BROKER": self.broker,
            "AGENT_TOOLS_LEASE_TTL_S": str(LEASE_TTL_S),
            "AGENT_TOOLS_WORKER_SLICE_S": "1.5",
            "AGENT_TOOLS_QUEUE": self.queue,
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "agent_tools.surfaces.cli",
                "worker",
                "--ops",
                OPS,
                "--concurrency",
                "1",
            ],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_dir / f"worker-{len(self.processes)}.err", "wb"),  # noqa: SIM115
        )
        self.processes.append(process)
        return process

    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [process for process in self.processes if process.poll() is None]

    def kill_one(self, rng: random.Random) -> None:
        victim = rng.choice(self.alive())
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        self.kills += 1
        self.start_one()

    def stop(self) -> None:
        for process in self.alive():
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def one_worker(
    store: str, broker: str, log: Path, *options: str, **settings: str
) -> Iterator[subprocess.Popen[bytes]]:
    """One ``agent-tools worker`` on ``store`` and ``broker``; ``settings`` go in as
    ``AGENT_TOOLS_<NAME>`` variables, its stderr to ``log``. Stopped afterwards."""
    environment = {
        **os.environ,
        "AGENT_TOOLS_STORE": store,
        "AGENT_TOOLS_BROKER": broker,
        "AGENT_TOOLS_LEASE_TTL_S": str(LEASE_TTL_S),
        **{f"AGENT_TOOLS_{name.upper()}": value for name, value in settings.items()},
    }
    command = [sys.executable, "-m", "agent_tools.surfaces.cli", "worker", "--ops", OPS]
    with log.open("wb") as errors:
        worker = subprocess.Popen(
            [*command, *options],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            yield worker
        finally:
            worker.terminate()
            worker.wait(timeout=30)


@contextlib.contextmanager
def running_workers(
    store: str, broker: str, count: int, log_dir: Path, queue: str = DEFAULT_QUEUE
) -> Iterator[Workers]:
    workers = Workers(store, broker, count, log_dir, queue)
    try:
        yield workers
    finally:
        workers.stop()


@contextlib.asynccontextmanager
async def dispatching_engine_without_cleanup(
    store: str, broker: str, queue: str = DEFAULT_QUEUE
) -> AsyncIterator[Engine]:
    """An engine like a server's with ``--broker``: background work goes to the fleet."""
    registry = load_operations([OPS], OperationRegistry(), include_entry_points=False)
    settings = Settings(store=store, broker=broker, lease_ttl_s=LEASE_TTL_S, queue=queue)
    engine = Engine.from_settings(
        settings,
        registry=registry,
        dispatcher=fleet_dispatcher(broker, Maintenance.from_settings(settings), queue=queue),
    )
    async with engine:
        yield engine


@contextlib.asynccontextmanager
async def dispatching_engine(
    store: str, broker: str, queue: str = DEFAULT_QUEUE
) -> AsyncIterator[Engine]:
    """Like :func:`dispatching_engine_without_cleanup`, dropping the test's data afterwards."""
    try:
        async with dispatching_engine_without_cleanup(store, broker, queue) as engine:
            yield engine
    finally:
        leftover = open_store(store)
        await leftover.open()
        await leftover.drop_everything()  # type: ignore[attr-defined]
        await leftover.close()


async def wait_all_completed(engine: Engine, operation_ids: list[str], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    pending = set(operation_ids)
    while pending:
        for operation_id in list(pending):
            view = await engine.get_progress(operation_id)
            if view.status is OperationStatus.COMPLETED:
                pending.discard(operation_id)
            assert view.status not in (OperationStatus.FAILED, OperationStatus.CANCELLED), view
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{len(pending)} operations did not complete: {sorted(pending)[:5]}"
            )
        if pending:
            await engine.get_progress(next(iter(pending)), wait_ms=500)


def executions(log_dir: Path) -> list[tuple[str, int]]:
    """Every (operation_id, chunk_index) any worker ever started."""
    found: list[tuple[str, int]] = []
    for log in log_dir.glob("*.log"):
        for line in log.read_text().splitlines():
            operation_id, chunk = line.split()
            found.append((operation_id, int(chunk)))
    return found
