"""This process's runners: at most one per operation, started under its lease.

Calls come and go; a runner stays until its operation rests, ends or is stopped.
An inline call extends the runner's deadline and waits for it at most until its
own deadline; a background run waits for it to finish; a call for an operation
run elsewhere follows the store's changes instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from agent_tools.core.definitions import OperationType
from agent_tools.core.records import (
    Lease,
    LeaseRequest,
    OperationRecord,
    held_elsewhere,
    waiting_for_input,
)
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.control import to_running
from agent_tools.runtime.liveness import provably_dead
from agent_tools.runtime.migration import migrate
from agent_tools.runtime.observer import observed
from agent_tools.runtime.runner import (
    OperationRunner,
    ProgressListener,
    RunnerEnvironment,
    StopReason,
)

logger = logging.getLogger(__name__)

OnProgress = Callable[[float, float | None, str | None], Awaitable[None]]
"""Called while a call runs: (current_step, total_steps, message)."""

RETURN_MARGIN_S = 0.005
"""Time kept back from a budget to read the store and build the response."""
RUNNER_MARGIN_S = 0.02
"""An inline runner stops starting chunks this long before the call's deadline, so its
final commit lands before the call reads the store."""
CONTROL_WAIT_S = 2.0


class Runners:
    """Starts, extends, follows and stops the runners of one engine."""

    def __init__(
        self,
        environment: RunnerEnvironment,
        get_record: Callable[[str], Awaitable[OperationRecord]],
        definition_for: Callable[[OperationRecord], OperationType],
    ) -> None:
        self._environment = environment
        self._store = environment.store
        self._get = get_record
        self._definition_for = definition_for
        self._runners: dict[str, OperationRunner] = {}
        self._closing = False
        """Set by :meth:`stop_all`: no runner starts after it, or it would outlive the engine."""

    async def run_background(self, operation_id: str, run_for_s: float | None = None) -> bool:
        """Run a background operation here until it ends or ``run_for_s`` passes.

        Returns whether work remains (so a worker re-enqueues it). Does nothing
        when another holder's lease is live: that holder carries on.
        """
        local = self._runners.get(operation_id)
        if local is not None:
            await local.finished.wait()
            return local.more_work
        runner = await self._start_runner(
            operation_id,
            run_until=float("inf") if run_for_s is None else time.monotonic() + run_for_s,
            rest_status=OperationStatus.RUNNING,
        )
        if runner is None:
            return False
        await runner.finished.wait()
        return runner.more_work

    async def run_inline(
        self, operation_id: str, deadline: float, on_progress: OnProgress | None
    ) -> None:
        runner = self._runners.get(operation_id)
        run_until = deadline - RUNNER_MARGIN_S
        if runner is not None and runner.accepting:
            runner.extend(run_until)
        else:
            if runner is not None:
                await _wait_until(runner.finished, deadline - RETURN_MARGIN_S)
            runner = await self._start_runner(
                operation_id,
                run_until=run_until,
                rest_status=OperationStatus.PAUSED,
            )
        if runner is None:
            record = await self._get(operation_id)
            if record.settings.mode == "inline" and held_elsewhere(
                record, self._environment.holder_id, time.time()
            ):
                # Another live process runs this inline operation for its own caller;
                # waiting here would spend this caller's budget for nothing. The view
                # says so (held_elsewhere) and points at get_progress(wait_ms).
                return
            await self.follow(operation_id, deadline, on_progress)
            return
        try:
            async with _forwarding(runner, on_progress):
                await _wait_until(runner.finished, deadline - RETURN_MARGIN_S)
        except asyncio.CancelledError:
            # The caller gave up (e.g. an MCP client cancelled the call): stop at the next
            # chunk boundary and rest at the checkpoint instead of working on unasked.
            runner.run_until = min(runner.run_until, time.monotonic())
            raise

    async def _start_runner(
        self, operation_id: str, *, run_until: float, rest_status: OperationStatus
    ) -> OperationRunner | None:
        """Take the lease and start a runner task; None when another holder has it.

        None also once the engine is shutting down: a background run stopped for the
        shutdown reports work left, and its dispatcher asks for the next slice at once.
        """
        if self._closing:
            return None
        inline = rest_status is OperationStatus.PAUSED
        lease = await self._acquire(operation_id, self._environment.lease_ttl_s(inline, run_until))
        if lease is None:
            return None
        record = await self._get(operation_id)
        if waiting_for_input(record):
            await self._store.release_lease(lease)
            return None
        if record.status in (OperationStatus.PENDING, OperationStatus.PAUSED) and not (
            record.status is OperationStatus.PAUSED and rest_status is OperationStatus.RUNNING
        ):
            changed = await self._store.change_status(to_running(record), time.time())
            record = changed or record
        if self._closing or record.status is not OperationStatus.RUNNING:
            await self._store.release_lease(lease)
            return None
        definition = self._definition_for(record)
        runner = OperationRunner(
            self._environment,
            definition,
            migrate(record, definition),
            lease,
            run_until=run_until,
            rest_status=rest_status,
        )
        self._runners[operation_id] = runner
        task = asyncio.create_task(runner.run(), name=f"run {operation_id}")
        task.add_done_callback(lambda _: self._forget_runner(runner))
        return runner

    async def _acquire(self, operation_id: str, ttl_s: float) -> Lease | None:
        """The lease, also when a crashed process of this host still holds it unexpired.

        Without the take-over, a server restarted after a crash would wait out the
        dead process's lease (an inline call's budget plus the grace) on every call.
        """
        holder = self._environment.holder_id
        observer = self._environment.observer
        # Whose lease this was is only known before taking it: read only when observed.
        before = None
        if observer.wants_lease_holders:
            before = await self._store.get_operation(operation_id)
        request = LeaseRequest(operation_id=operation_id, holder=holder, ttl_s=ttl_s)
        lease = await self._store.acquire_lease(request, time.time())
        if lease is not None:
            if before is not None and before.lease_holder not in (None, holder):
                observer.lease_taken_over(observed(before), before.lease_holder)
            return lease
        record = await self._store.get_operation(operation_id)
        previous = None if record is None else record.lease_holder
        if record is None or previous is None or previous == holder or not provably_dead(previous):
            return None
        logger.info("taking %s over from %s, which is no longer running", operation_id, previous)
        takeover = request.model_copy(update={"dead_holder": previous})
        lease = await self._store.acquire_lease(takeover, time.time())
        if lease is not None:
            observer.lease_taken_over(observed(record), previous)
        return lease

    def _forget_runner(self, runner: OperationRunner) -> None:
        if self._runners.get(runner.operation_id) is runner:
            del self._runners[runner.operation_id]

    async def follow(
        self, operation_id: str, deadline: float, on_progress: OnProgress | None
    ) -> None:
        """Wait for a run happening elsewhere (a worker, another process) until the deadline."""
        record = await self._get(operation_id)
        while not record.status.is_terminal:
            remaining = deadline - RETURN_MARGIN_S - time.monotonic()
            if remaining <= 0:
                return
            await self._store.wait_for_change(operation_id, record.revision, remaining)
            changed = await self._get(operation_id)
            if changed.revision != record.revision and on_progress is not None:
                progress = changed.progress
                total = None if progress.total_steps is None else float(progress.total_steps)
                await on_progress(float(progress.current_step), total, progress.message)
            record = changed
            if record.status is OperationStatus.PAUSED:
                return

    async def stop(self, operation_id: str, reason: StopReason) -> None:
        """Stop this process's runner of ``operation_id``, if any, and wait a moment for it."""
        runner = self._runners.get(operation_id)
        if runner is None:
            return
        runner.request_stop(reason)
        await _wait_until(runner.finished, time.monotonic() + CONTROL_WAIT_S)

    async def stop_all(self, timeout_s: float) -> None:
        """Checkpoint and release every operation this process runs (shutting down)."""
        self._closing = True
        runners = list(self._runners.values())
        for runner in runners:
            runner.request_stop("shutdown")
        if runners:
            await asyncio.wait(
                [asyncio.ensure_future(runner.finished.wait()) for runner in runners],
                timeout=timeout_s,
            )


async def _wait_until(event: asyncio.Event, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0 or event.is_set():
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), remaining)


@contextlib.asynccontextmanager
async def _forwarding(
    runner: OperationRunner, on_progress: OnProgress | None
) -> AsyncIterator[None]:
    """Forward the runner's progress to ``on_progress`` while the call waits."""
    if on_progress is None:
        yield
        return
    queue: asyncio.Queue[tuple[float, float | None, str | None]] = asyncio.Queue()
    listener: ProgressListener = lambda step, total, message: queue.put_nowait(  # noqa: E731
        (step, total, message)
    )

    async def forward() -> None:
        while True:
            step, total, message = await queue.get()
            try:
                await on_progress(step, total, message)
            except Exception:
                logger.debug("progress callback failed", exc_info=True)

    runner.add_listener(listener)
    forwarder = asyncio.create_task(forward())
    try:
        yield
    finally:
        runner.remove_listener(listener)
        forwarder.cancel()
        await asyncio.gather(forwarder, return_exceptions=True)
