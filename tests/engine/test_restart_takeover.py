"""A restarted process takes over at once from a holder that provably died on this host."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from agent_tools import Engine
from agent_tools.core.records import Event, LeaseRequest, StatusChange
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.liveness import holder_id_for, process_holder_id, provably_dead

HOLDER_LEASE_S = 3600.0
"""Far longer than any test: only a take-over, never an expiry, can free the lease."""
BUDGET_NOT_TO_WAIT_MS = 20_000


@pytest.fixture
def other_process() -> Iterator[subprocess.Popen[bytes]]:
    """A real process of this host, to stand for a server that held a lease."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield process
    process.kill()
    process.wait()


async def held_mid_call_by(engine: Engine, holder: str) -> tuple[str, int]:
    """An operation some chunks in, running under ``holder``'s long lease, as a crash leaves it."""
    view = await engine.execute_incrementally("count", {"total": 1000}, budget_ms=50)
    record = await engine.store.get_operation(view.operation_id)
    assert record is not None
    change = StatusChange(
        operation_id=view.operation_id,
        expected=frozenset({OperationStatus.PAUSED}),
        status=OperationStatus.RUNNING,
        event=Event(kind="resumed", at=time.time()),
    )
    assert await engine.store.change_status(change, time.time())
    assert await engine.store.acquire_lease(
        LeaseRequest(operation_id=view.operation_id, holder=holder, ttl_s=HOLDER_LEASE_S),
        time.time(),
    )
    return view.operation_id, record.progress.current_step


async def test_resume_takes_over_from_a_killed_holder_and_makes_progress_at_once(
    engine: Engine, other_process: subprocess.Popen[bytes]
) -> None:
    operation_id, before = await held_mid_call_by(engine, holder_id_for(other_process.pid))
    other_process.kill()
    other_process.wait()
    view = await engine.resume(operation_id, budget_ms=300)
    assert view.progress.current_step > before


async def test_resume_leaves_a_live_holder_alone(
    engine: Engine, other_process: subprocess.Popen[bytes]
) -> None:
    holder = holder_id_for(other_process.pid)
    operation_id, before = await held_mid_call_by(engine, holder)
    view = await engine.resume(operation_id, budget_ms=300)
    assert view.progress.current_step == before
    record = await engine.store.get_operation(operation_id)
    assert record is not None and record.lease_holder == holder


async def test_a_resume_that_cannot_run_says_another_process_has_it_and_does_not_wait(
    engine: Engine, other_process: subprocess.Popen[bytes]
) -> None:
    operation_id, _ = await held_mid_call_by(engine, holder_id_for(other_process.pid))
    started = time.monotonic()
    view = await engine.resume(operation_id, budget_ms=BUDGET_NOT_TO_WAIT_MS)
    assert time.monotonic() - started < BUDGET_NOT_TO_WAIT_MS / 1000 / 2
    assert view.held_elsewhere
    assert f'get_progress(operation_id="{operation_id}", wait_ms=' in view.next_step
    assert not (await engine.get_progress(operation_id)).held_elsewhere or view.held_elsewhere


async def test_an_operation_run_by_this_process_is_not_held_elsewhere(engine: Engine) -> None:
    view = await engine.execute_incrementally("count", {"total": 3}, budget_ms=2000)
    assert view.status is OperationStatus.COMPLETED and not view.held_elsewhere


def test_this_process_is_alive() -> None:
    assert not provably_dead(process_holder_id())


def test_a_reused_pid_does_not_make_a_dead_holder_look_alive() -> None:
    host, boot_id, pid, start, suffix = process_holder_id().split(":")
    assert pid == str(os.getpid())
    earlier = str(int(start) - 1)
    assert provably_dead(":".join([host, boot_id, pid, earlier, suffix]))


def test_holders_on_other_hosts_boots_or_of_the_old_form_are_never_called_dead() -> None:
    host, boot_id, _, start, suffix = process_holder_id().split(":")
    assert not provably_dead(":".join(["elsewhere", boot_id, "999999", start, suffix]))
    assert not provably_dead(":".join([host, "another-boot", "999999", start, suffix]))
    assert not provably_dead(f"{host}:999999:abcd1234")
