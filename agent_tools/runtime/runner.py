"""One operation's chunks, run under a lease until the slice ends, it finishes, or it is stopped.

A runner is the only thing that commits checkpoints. Inline slices run until
``run_until`` (extended by later calls while they run) and rest as ``paused``;
background runs go on until done (or, on a worker, until their time is up) and
stay ``running``. A call that returns at its deadline leaves the runner going:
an overrunning chunk finishes and commits, and the next call sees it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Literal

from pydantic import BaseModel, JsonValue

from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.definitions import ChunkResult, OperationType
from agent_tools.core.errors import AgentToolsError, OperationTimeoutError
from agent_tools.core.input_requests import InputResponse, InputRound
from agent_tools.core.limits import chunk_refusal
from agent_tools.core.progress import advance, time_left_s
from agent_tools.core.records import (
    CommitOutcome,
    Lease,
    OperationRecord,
    ProgressRecord,
)
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.checkpoint import (
    PendingCheckpoint,
    StopReason,
    error_info,
)
from agent_tools.runtime.chunk_call import ChunkAttemptsExhausted, run_chunk
from agent_tools.runtime.chunk_sizing import sizer_for
from agent_tools.runtime.observer import ObservedOperation
from agent_tools.runtime.result_trimmer import ResultTrimmer
from agent_tools.runtime.run_history import remember_run
from agent_tools.runtime.runner_environment import RunnerEnvironment

__all__ = [
    "OperationRunner",
    "ProgressListener",
    "RunnerEnvironment",
    "StopReason",
    "error_info",
]

logger = logging.getLogger(__name__)

ProgressListener = Callable[[float, float | None, str | None], None]
Step = Literal["next", "stopped", "ended"]
"""After one chunk: run the next, stop at this boundary (and commit), or the run is over."""

CHUNK_ESTIMATE_SMOOTHING = 0.5
YIELD_EVERY_S = 0.002
"""Async chunks that never wait and commits on the loop thread would otherwise keep the
event loop to themselves for a whole slice; a pass through the loop per chunk would
cost more than a short chunk."""


class OperationRunner:
    """Runs the chunks of one operation in this process."""

    def __init__(
        self,
        environment: RunnerEnvironment,
        definition: OperationType,
        record: OperationRecord,
        lease: Lease,
        *,
        run_until: float,
        rest_status: OperationStatus,
    ) -> None:
        self._env = environment
        self._definition = definition
        self._record = record
        self._lease = lease
        self.run_until = run_until
        self._rest_status = rest_status
        self._stop_reason: StopReason | None = None
        self._task: asyncio.Task[None] | None = None
        self._chunk_progress: ChunkProgress | None = None
        """Set while a chunk runs."""
        self._interrupting = False
        """Whether request_stop cancelled the runner task to cut an async chunk short."""
        self._yielded_at = time.monotonic()
        self._listeners: set[ProgressListener] = set()
        self._listener: tuple[int | None, Callable[[int, str | None], None]] | None = None
        """The reporter chunks are handed, and the total it was made for."""
        self._chunk_estimate_s: float | None = None
        self._chunks_this_run = 0
        self._observed = ObservedOperation(record.operation_id, record.operation_type)
        slice_s = run_until - time.monotonic()
        self._sizer = sizer_for(
            record.settings,
            record.progress,
            slice_s if rest_status is OperationStatus.PAUSED else environment.default_budget_s,
        )
        self._last_chunk_size = record.settings.chunk_size
        self._chunk_was_cut = False
        self._trimmer = ResultTrimmer.for_run(environment.store, definition, record)
        self.accepting = True
        self.finished = asyncio.Event()
        self.more_work = True
        """False once the operation reached a terminal status or was stopped for good."""

    @property
    def operation_id(self) -> str:
        return self._record.operation_id

    @property
    def is_inline(self) -> bool:
        return self._rest_status is OperationStatus.PAUSED

    def extend(self, until: float) -> None:
        """Let the run go on until ``until`` (monotonic), if later than now planned."""
        self.run_until = max(self.run_until, until)

    def add_listener(self, listener: ProgressListener) -> None:
        self._listeners.add(listener)

    def remove_listener(self, listener: ProgressListener) -> None:
        self._listeners.discard(listener)

    def request_stop(self, reason: StopReason) -> None:
        """Stop at the next chunk boundary; a cancel also interrupts an async chunk now."""
        if self._stop_reason in ("cancel", "lease_lost"):
            return
        self._stop_reason = reason
        if reason in ("cancel", "lease_lost") and self._chunk_progress is not None:
            self._chunk_progress.request_cancel()
            if self._definition.run_in == "event_loop":
                self._interrupt_chunk()

    def _interrupt_chunk(self) -> None:
        """Cancel the runner task, which is suspended inside the async chunk right now.

        The chunk runs in the runner's own task, not one of its own: a task per
        chunk costs more than a short chunk. The CancelledError this raises is
        taken back (``uncancel``) once the chunk is left, so only a cancel of the
        runner from outside ends the task.
        """
        if self._task is not None and not self._interrupting:
            self._interrupting = True
            self._task.cancel()

    def _emit(self, step: float, total: float | None, message: str | None) -> None:
        if not self._listeners:  # the common case, once per chunk
            return
        for listener in list(self._listeners):
            listener(step, total, message)

    async def run(self) -> None:
        """The runner task: chunks, checkpoints and lease renewal."""
        self._task = asyncio.current_task()
        renewer = asyncio.create_task(self._renew_lease())
        observed_slice = self._env.observer.slice_started(self._observed, inline=self.is_inline)
        try:
            await self._run_chunks()
        except Exception:
            logger.exception("runner for %s stopped by an unexpected error", self.operation_id)
            self.more_work = True
        finally:
            self.accepting = False
            renewer.cancel()
            await asyncio.gather(renewer, return_exceptions=True)
            if self.is_inline:
                overshoot_s = max(0.0, time.monotonic() - self.run_until)
                self._env.observer.slice_overshoot(self._observed, overshoot_s)
            observed_slice.finished(self._stop_reason or ("more" if self.more_work else "ended"))
            self.finished.set()

    async def _renew_lease(self) -> None:
        interval_s = self._env.renew_every_s(self.is_inline)
        while True:
            await asyncio.sleep(interval_s)
            record = await self._env.store.renew_lease(
                self._lease, self._env.lease_ttl_s(self.is_inline, self.run_until), time.time()
            )
            if record is None:
                logger.warning("lease on %s was lost", self.operation_id)
                self.request_stop("lease_lost")
                return
            # Pause and cancel are status changes made by other calls; the renewal
            # is how a background run hears of them between its own commits.
            if record.status is OperationStatus.CANCELLED:
                self.request_stop("cancel")
            elif record.status is OperationStatus.PAUSED and not self.is_inline:
                self.request_stop("pause")

    def _should_start_chunk(self) -> bool:
        """Decide, in one synchronous step, whether to run another chunk.

        Once this says no, ``accepting`` is False and later calls start a new
        runner instead of extending this one, whose last commit may be under way.
        """
        if self._stop_reason is not None:
            self.accepting = False
            return False
        if math.isinf(self.run_until):
            return True
        remaining = self.run_until - time.monotonic()
        estimate = self._chunk_estimate_s or 0.0
        # The first chunk of a run always starts (a slow chunk must make progress at
        # all); later ones only when the typical chunk still fits before run_until.
        if remaining <= 0 or (self._chunks_this_run and estimate > remaining):
            self.accepting = False
            return False
        return True

    def _note_duration(self, elapsed_s: float) -> None:
        previous = self._chunk_estimate_s
        self._chunk_estimate_s = (
            elapsed_s
            if previous is None
            else CHUNK_ESTIMATE_SMOOTHING * elapsed_s + (1 - CHUNK_ESTIMATE_SMOOTHING) * previous
        )

    async def _run_chunks(self) -> None:
        record = self._record
        pending = PendingCheckpoint(self._env.store, self._definition, record, self._lease)
        input_value = self._definition.input_model.model_validate(record.input)
        answers = _answers_by_name(record.input_round)
        while self._should_start_chunk():
            # Only the first chunk of a run reads the answers; they are used up after it.
            step = await self._step(
                pending, input_value, answers if not self._chunks_this_run else {}
            )
            if step == "ended":
                return
            if step == "stopped":
                break
        await self._finish_run(pending)

    async def _step(
        self, pending: PendingCheckpoint, input_value: BaseModel, answers: dict[str, InputResponse]
    ) -> Step:
        """Run one chunk and commit what it calls for."""
        left_s = time_left_s(self._record.settings.timeout_ms, pending.progress)
        if left_s is not None and left_s <= 0:
            await self._fail(pending, self._timeout(pending.progress))
            return "ended"
        started = time.monotonic()
        work_started = self._env.work_clock()
        try:
            result = await self._run_one_chunk(pending, input_value, answers, left_s)
        except TimeoutError:
            # timeout_ms ran out while the chunk ran: count its time, then fail the run.
            spent = pending.progress.model_copy(
                update={
                    "active_seconds": pending.progress.active_seconds + time.monotonic() - started
                }
            )
            pending.progress = spent
            await self._fail(pending, self._timeout(spent))
            return "ended"
        except asyncio.CancelledError:
            if self._taken_back():
                return "stopped"
            raise
        except ChunkAttemptsExhausted as exhausted:
            await self._fail(pending, exhausted.error)
            return "ended"
        refusal = chunk_refusal(self._env.limits, result.next_state, result.outputs())
        if refusal is not None:  # the chunk's output is dropped, the work before it kept
            await self._fail(pending, refusal)
            return "ended"
        self._note_duration(time.monotonic() - started)
        elapsed = self._env.work_clock() - work_started
        self._chunks_this_run += 1
        progress = advance(pending.progress, result.progress_update, 1, elapsed)
        if self._sizer is not None:
            # The last chunk and a cut-short one did less than asked: they say nothing.
            if not (result.completed or self._chunk_was_cut):
                self._sizer.observe(self._last_chunk_size, elapsed)
            progress = self._sizer.carried(progress)
        pending.add(result, progress)
        if self._trimmer is not None:
            self._trimmer.added(len(result.items) + (result.output is not None))
        self._emit(float(progress.current_step), _as_float(progress.total_steps), progress.message)
        return await self._commit_after_chunk(pending, result)

    async def _run_one_chunk(
        self,
        pending: PendingCheckpoint,
        input_value: BaseModel,
        answers: dict[str, InputResponse],
        left_s: float | None,
    ) -> ChunkResult:
        """The chunk function's result, with retries, cut at ``left_s`` of timeout_ms."""
        settings = self._record.settings
        chunk_progress = ChunkProgress(
            operation_id=self.operation_id,
            chunk_index=pending.next_index,
            current_step=pending.progress.current_step,
            total_steps=pending.progress.total_steps,
            chunk_size=self._sizer.size if self._sizer else settings.chunk_size,
            policy=self._env.policy,
            listener=self._listener_for(pending.progress.total_steps),
            input_responses=answers,
        )
        chunk = run_chunk(
            self._definition,
            input_value,
            pending.state,
            chunk_progress,
            timeout_s=None
            if settings.chunk_timeout_ms is None
            else settings.chunk_timeout_ms / 1000,
            process_pool=self._env.process_pool() if self._definition.run_in == "process" else None,
        )
        self._chunk_progress = chunk_progress
        observed_chunk = self._env.observer.chunk_started(self._observed, pending.next_index)
        try:
            result = await (chunk if left_s is None else asyncio.wait_for(chunk, left_s))
        except TimeoutError:
            observed_chunk.failed("timeout")
            chunk_progress.request_cancel()
            raise
        except ChunkAttemptsExhausted as exhausted:
            observed_chunk.failed(exhausted.error.code)
            raise
        finally:
            self._chunk_progress = None
            observed_chunk.finished(chunk_progress.attempt)
            self._last_chunk_size = chunk_progress.chunk_size
            self._chunk_was_cut = chunk_progress.cancel_requested
        # A chunk that swallowed the interruption returned normally: take it back as well.
        self._taken_back()
        now = time.monotonic()
        if now - self._yielded_at >= YIELD_EVERY_S:
            # Let other tasks run at least this often while chunks never wait.
            self._yielded_at = now
            await asyncio.sleep(0)
        return result

    def _taken_back(self) -> bool:
        """Undo the runner's own interruption of a chunk; whether there was one."""
        if not self._interrupting:
            return False
        self._interrupting = False
        task = asyncio.current_task()
        assert task is not None
        return task.uncancel() == 0

    async def _commit_after_chunk(self, pending: PendingCheckpoint, result: ChunkResult) -> Step:
        """Commit when the chunk asked something, completed the run, or a checkpoint is due."""
        if result.ask:
            await self._commit(pending, OperationStatus.PAUSED, "input_requested")
            self.more_work = False
            return "ended"
        if result.completed:
            pending.progress = pending.progress.model_copy(
                update={
                    "current_step": pending.progress.total_steps or pending.progress.current_step,
                    "eta_seconds": 0.0,
                    "eta_low_seconds": 0.0,
                    "eta_high_seconds": 0.0,
                }
            )
            final = result.result if result.result is not None else result.next_state
            done = pending.progress
            outcome = await self._commit(
                pending, OperationStatus.COMPLETED, "completed", result=final
            )
            if outcome == "committed":
                await remember_run(self._env.store, self._record, done)
            self.more_work = False
            return "ended"
        if pending.due():
            committed = pending.commit(
                OperationStatus.RUNNING, pending.chunk_event("checkpoint"), keep_lease=True
            )
            if await self._follow(committed, "checkpoint", OperationStatus.RUNNING) != "committed":
                return "ended"
        return "next"

    async def _commit(
        self,
        pending: PendingCheckpoint,
        target: OperationStatus,
        kind: str,
        *,
        result: JsonValue = None,
    ) -> CommitOutcome:
        """Commit the pending work as ``target`` with an event of ``kind``, giving up the lease."""
        committed = pending.commit(target, pending.chunk_event(kind), result=result)
        return await self._follow(committed, kind, target)

    async def _follow(
        self,
        commit: Awaitable[tuple[CommitOutcome, StopReason | None]],
        kind: str,
        status: OperationStatus,
    ) -> CommitOutcome:
        """Await a commit of ``kind`` to ``status``; stop the run if the commit says so."""
        observed = self._env.observer.checkpoint_started(self._observed, kind, status)
        outcome, stop = await commit
        observed.finished(outcome)
        if outcome == "committed" and self._trimmer is not None:
            await self._trimmer.after_commit(at_rest=kind != "checkpoint")
        if stop is not None:
            self.request_stop(stop)
        return outcome

    async def _fail(self, pending: PendingCheckpoint, error: AgentToolsError) -> None:
        """Commit the run ``failed`` with ``error``, keeping the work done so far."""
        failed = pending.commit(
            OperationStatus.FAILED, pending.failure_event(error), error=error_info(error)
        )
        await self._follow(failed, "failed", OperationStatus.FAILED)
        self.more_work = False

    async def _finish_run(self, pending: PendingCheckpoint) -> None:
        """Commit what is pending and give the lease back, as the stop reason demands."""
        if self._stop_reason == "lease_lost":
            # Another holder owns the operation now; whatever is pending is its to redo.
            return
        if self._stop_reason == "cancel":
            await self._env.store.release_lease(self._lease)
            self.more_work = False
            return
        target = OperationStatus.PAUSED if self._stop_reason == "pause" else self._rest_status
        await self._commit(pending, target, "slice_ended")
        self.more_work = target is OperationStatus.RUNNING

    def _listener_for(self, total_steps: int | None) -> Callable[[int, str | None], None]:
        """A reporter a chunk may call from any thread; made again only when the total changes."""
        made = self._listener
        if made is None or made[0] != total_steps:
            made = self._listener = (total_steps, self._thread_safe_listener(total_steps))
        return made[1]

    def _thread_safe_listener(self, total_steps: int | None) -> Callable[[int, str | None], None]:
        """A reporter a chunk may call from any thread."""
        loop = asyncio.get_running_loop()
        total = _as_float(total_steps)

        def report(step: int, message: str | None) -> None:
            loop.call_soon_threadsafe(self._emit, float(step), total, message)

        return report

    def _timeout(self, progress: ProgressRecord) -> OperationTimeoutError:
        limit = self._record.settings.timeout_ms
        assert limit is not None, "only a run with timeout_ms can time out"
        return OperationTimeoutError(limit, int(progress.active_seconds * 1000))


def _answers_by_name(input_round: InputRound | None) -> dict[str, InputResponse]:
    """The answers the first chunk of a run reads: those of a fully answered round."""
    if input_round is None or not input_round.complete:
        return {}
    return dict(input_round.responses)


def _as_float(value: int | None) -> float | None:
    return None if value is None else float(value)
