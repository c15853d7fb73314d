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
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Literal

from pydantic import JsonValue

from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import AgentToolsError, OperationTimeoutError
from agent_tools.core.input_requests import InputResponse, InputRound
from agent_tools.core.limits import Limits, chunk_refusal
from agent_tools.core.policy import ExecutionPolicy
from agent_tools.core.progress import advance, time_left_s
from agent_tools.core.records import (
    Checkpoint,
    CommitOutcome,
    ErrorInfo,
    Event,
    Lease,
    OperationRecord,
    ProgressRecord,
)
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.chunk_call import ChunkAttemptsExhausted, run_chunk
from agent_tools.stores.base import Store

logger = logging.getLogger(__name__)

StopReason = Literal["pause", "cancel", "lease_lost", "shutdown"]
ProgressListener = Callable[[float, float | None, str | None], None]

CHUNK_ESTIMATE_SMOOTHING = 0.5


@dataclass(frozen=True)
class RunnerEnvironment:
    """What every runner of an engine shares."""

    store: Store
    holder_id: str
    policy: ExecutionPolicy
    inline_grace_s: float
    background_lease_ttl_s: float
    process_pool: Callable[[], Executor]
    limits: Limits = field(default_factory=Limits)


def error_info(error: AgentToolsError) -> ErrorInfo:
    return ErrorInfo(code=error.code, message=error.message, hint=error.hint)


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
        self._chunk_task: asyncio.Task[object] | None = None
        self._chunk_progress: ChunkProgress | None = None
        self._listeners: set[ProgressListener] = set()
        self._chunk_estimate_s: float | None = None
        self._input_round: InputRound | None = record.input_round
        """What every commit writes: the stored round until a chunk has read its answers."""
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
        if reason in ("cancel", "lease_lost"):
            if self._chunk_progress is not None:
                self._chunk_progress.request_cancel()
            if self._chunk_task is not None and self._definition.run_in == "event_loop":
                self._chunk_task.cancel()

    def _thread_safe_listener(
        self, loop: asyncio.AbstractEventLoop, total_steps: int | None
    ) -> Callable[[int, str | None], None]:
        """A reporter a chunk may call from any thread."""

        def report(step: int, message: str | None) -> None:
            loop.call_soon_threadsafe(self._emit, float(step), _as_float(total_steps), message)

        return report

    def _emit(self, step: float, total: float | None, message: str | None) -> None:
        for listener in list(self._listeners):
            listener(step, total, message)

    async def run(self) -> None:
        """The runner task: chunks, checkpoints and lease renewal."""
        renewer = asyncio.create_task(self._renew_lease())
        try:
            await self._run_chunks()
        except Exception:
            logger.exception("runner for %s stopped by an unexpected error", self.operation_id)
            self.more_work = True
        finally:
            self.accepting = False
            renewer.cancel()
            await asyncio.gather(renewer, return_exceptions=True)
            self.finished.set()

    def _lease_ttl_s(self) -> float:
        if self.is_inline:
            remaining = max(0.0, self.run_until - time.monotonic())
            return remaining + self._env.inline_grace_s
        return self._env.background_lease_ttl_s

    async def _renew_lease(self) -> None:
        interval = (
            self._env.inline_grace_s if self.is_inline else self._env.background_lease_ttl_s
        ) / 3
        while True:
            await asyncio.sleep(interval)
            record = await self._env.store.renew_lease(
                self._lease, self._lease_ttl_s(), time.time()
            )
            if record is None:
                logger.warning("lease on %s was lost", self.operation_id)
                self.request_stop("lease_lost")
                return
            if record.status is OperationStatus.CANCELLED:
                self.request_stop("cancel")
            elif record.status is OperationStatus.PAUSED and not self.is_inline:
                self.request_stop("pause")

    def _should_start_chunk(self, chunks_this_run: int) -> bool:
        """Decide, in one synchronous step, whether to run another chunk."""
        if self._stop_reason is not None:
            self.accepting = False
            return False
        if math.isinf(self.run_until):
            return True
        remaining = self.run_until - time.monotonic()
        estimate = self._chunk_estimate_s or 0.0
        if remaining <= 0 or (chunks_this_run and estimate > remaining):
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
        definition = self._definition
        input_value = definition.input_model.model_validate(record.input)
        state: JsonValue = record.state
        progress = record.progress
        next_index = record.next_chunk_index
        pending_items: list[JsonValue] = []
        pending_from = next_index
        last_commit = time.monotonic()
        chunks_this_run = 0
        loop = asyncio.get_running_loop()
        answers = _answers_by_name(record.input_round)
        while self._should_start_chunk(chunks_this_run):
            left_s = time_left_s(record.settings.timeout_ms, progress)
            if left_s is not None and left_s <= 0:
                error = _timeout(record, progress)
                await self._fail(error, state, progress, next_index, pending_items)
                return
            chunk_progress = ChunkProgress(
                operation_id=record.operation_id,
                chunk_index=next_index,
                current_step=progress.current_step,
                total_steps=progress.total_steps,
                chunk_size=record.settings.chunk_size,
                policy=self._env.policy,
                listener=self._thread_safe_listener(loop, progress.total_steps),
                input_responses=answers if chunks_this_run == 0 else {},
            )
            self._chunk_progress = chunk_progress
            started = time.monotonic()
            timeout_ms = record.settings.chunk_timeout_ms
            chunk = run_chunk(
                definition,
                input_value,
                state,
                chunk_progress,
                timeout_s=None if timeout_ms is None else timeout_ms / 1000,
                process_pool=self._env.process_pool() if definition.run_in == "process" else None,
            )
            # The operation's own limit cuts a chunk in flight (retries included) at the time left.
            self._chunk_task = asyncio.ensure_future(
                chunk if left_s is None else asyncio.wait_for(chunk, left_s)
            )
            try:
                result = await self._chunk_task
            except TimeoutError:
                chunk_progress.request_cancel()
                spent = progress.model_copy(
                    update={"active_seconds": progress.active_seconds + time.monotonic() - started}
                )
                await self._fail(_timeout(record, spent), state, spent, next_index, pending_items)
                return
            except asyncio.CancelledError:
                if self._stop_reason in ("cancel", "lease_lost") and not _being_cancelled():
                    break
                raise
            except ChunkAttemptsExhausted as exhausted:
                await self._fail(exhausted.error, state, progress, next_index, pending_items)
                return
            finally:
                self._chunk_task = None
                self._chunk_progress = None
            refusal = chunk_refusal(self._env.limits, result.next_state, result.outputs())
            if refusal is not None:  # the chunk's output is dropped, the work before it kept
                await self._fail(refusal, state, progress, next_index, pending_items)
                return
            elapsed = time.monotonic() - started
            self._note_duration(elapsed)
            chunks_this_run += 1
            progress = advance(progress, result.progress_update, 1, elapsed)
            state = result.next_state
            pending_items.extend(result.outputs())
            self._input_round = InputRound.asked(next_index, result.ask) if result.ask else None
            next_index += 1
            self._emit(
                float(progress.current_step), _as_float(progress.total_steps), progress.message
            )
            if result.ask:
                await self._commit(
                    target=OperationStatus.PAUSED,
                    state=state,
                    progress=progress,
                    next_index=next_index,
                    items=pending_items,
                    event=_chunk_event("input_requested", pending_from, next_index),
                )
                self.more_work = False
                return
            if result.completed:
                final = result.result if result.result is not None else result.next_state
                done = progress.model_copy(
                    update={
                        "current_step": progress.total_steps or progress.current_step,
                        "eta_seconds": 0.0,
                    }
                )
                await self._commit(
                    target=OperationStatus.COMPLETED,
                    state=state,
                    progress=done,
                    next_index=next_index,
                    items=pending_items,
                    event=_chunk_event("completed", pending_from, next_index),
                    result=final,
                )
                self.more_work = False
                return
            if self._checkpoint_due(next_index - pending_from, last_commit):
                outcome = await self._commit(
                    target=OperationStatus.RUNNING,
                    state=state,
                    progress=progress,
                    next_index=next_index,
                    items=pending_items,
                    event=_chunk_event("checkpoint", pending_from, next_index),
                    keep_lease=True,
                )
                if outcome != "committed":
                    return
                pending_items, pending_from, last_commit = [], next_index, time.monotonic()
        await self._finish_run(state, progress, next_index, pending_items, pending_from)

    async def _fail(
        self,
        error: AgentToolsError,
        state: JsonValue,
        progress: ProgressRecord,
        next_index: int,
        pending_items: list[JsonValue],
    ) -> None:
        """Commit the run ``failed`` with ``error``, keeping the work done so far."""
        await self._commit(
            target=OperationStatus.FAILED,
            state=state,
            progress=progress,
            next_index=next_index,
            items=pending_items,
            event=Event(
                kind="failed",
                at=time.time(),
                detail={"chunk_index": next_index, "code": error.code},
            ),
            error=error_info(error),
        )
        self.more_work = False

    async def _finish_run(
        self,
        state: JsonValue,
        progress: ProgressRecord,
        next_index: int,
        pending_items: list[JsonValue],
        pending_from: int,
    ) -> None:
        """Commit what is pending and give the lease back, as the stop reason demands."""
        if self._stop_reason == "lease_lost":
            return
        if self._stop_reason == "cancel":
            await self._env.store.release_lease(self._lease)
            self.more_work = False
            return
        target = OperationStatus.PAUSED if self._stop_reason == "pause" else self._rest_status
        await self._commit(
            target=target,
            state=state,
            progress=progress,
            next_index=next_index,
            items=pending_items,
            event=_chunk_event("slice_ended", pending_from, next_index),
        )
        self.more_work = target is OperationStatus.RUNNING

    def _checkpoint_due(self, pending_chunks: int, last_commit: float) -> bool:
        settings = self._record.settings
        if pending_chunks >= settings.checkpoint_interval:
            return True
        interval = settings.checkpoint_every_s
        return interval is not None and time.monotonic() - last_commit >= interval

    async def _commit(
        self,
        *,
        target: OperationStatus,
        state: JsonValue,
        progress: ProgressRecord,
        next_index: int,
        items: list[JsonValue],
        event: Event,
        result: JsonValue = None,
        error: ErrorInfo | None = None,
        keep_lease: bool = False,
    ) -> CommitOutcome:
        """Commit a checkpoint; follow a pause made meanwhile, drop work after a cancel."""
        expected = OperationStatus.RUNNING
        status = target
        retention = self._record.settings.retention_s
        for _ in range(2):
            terminal = status.is_terminal
            # Every part was validated on its way in; skip validating them again per chunk.
            checkpoint = Checkpoint.model_construct(
                operation_id=self.operation_id,
                lease_token=self._lease.token,
                expected_status=expected,
                status=status,
                type_version=self._definition.version,
                input=self._record.input,
                state=state,
                progress=progress,
                next_chunk_index=next_index,
                items=items,
                result=result,
                error=error,
                input_round=self._input_round,
                event=event,
                expires_at=time.time() + retention if terminal and retention else None,
                release_lease=not keep_lease or terminal,
            )
            outcome = await self._env.store.commit_checkpoint(checkpoint)
            if outcome != "status_changed":
                if outcome == "lease_lost":
                    self._stop_reason = "lease_lost"
                return outcome
            current = await self._env.store.get_operation(self.operation_id)
            if current is None or current.status is not OperationStatus.PAUSED:
                self.request_stop("cancel")
                await self._env.store.release_lease(self._lease)
                return outcome
            self._stop_reason = "pause"
            expected = OperationStatus.PAUSED
            status = target if target.is_terminal else OperationStatus.PAUSED
            keep_lease = False
        return "status_changed"


def _answers_by_name(input_round: InputRound | None) -> dict[str, InputResponse]:
    """The answers the first chunk of a run reads: those of a fully answered round."""
    if input_round is None or not input_round.complete:
        return {}
    return dict(input_round.responses)


def _chunk_event(kind: str, first_chunk: int, next_chunk: int) -> Event:
    return Event.model_construct(
        kind=kind,
        at=time.time(),
        detail={"first_chunk": first_chunk, "next_chunk": next_chunk},
    )


def _timeout(record: OperationRecord, progress: ProgressRecord) -> OperationTimeoutError:
    limit = record.settings.timeout_ms
    assert limit is not None, "only a run with timeout_ms can time out"
    return OperationTimeoutError(limit, int(progress.active_seconds * 1000))


def _as_float(value: int | None) -> float | None:
    return None if value is None else float(value)


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
