"""Run one chunk function: on the loop, in a thread or in a process, with timeout and retries."""

from __future__ import annotations

import asyncio
import importlib
import logging
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.definitions import ChunkResult, OperationType
from agent_tools.core.errors import AgentToolsError, ChunkTimeoutError, OperationFailedError

logger = logging.getLogger(__name__)


class ChunkAttemptsExhausted(Exception):
    """A chunk failed on every attempt; carries the error to record on the operation."""

    def __init__(self, error: AgentToolsError) -> None:
        super().__init__(str(error))
        self.error = error


def make_process_pool(max_workers: int | None = None) -> ProcessPoolExecutor:
    """A pool for ``run_in="process"`` chunks; spawned so no loop or lock state is inherited."""
    return ProcessPoolExecutor(
        max_workers=max_workers, mp_context=multiprocessing.get_context("spawn")
    )


def _call_by_name(module_name: str, qualified_name: str, *arguments: Any) -> Any:
    """Entry point in a pool process: find the chunk function by name and call it.

    ``@operation`` rebinds the function's name to its :class:`OperationType`, so
    the function itself cannot be pickled by reference; its name can.
    """
    target: Any = importlib.import_module(module_name)
    for part in qualified_name.split("."):
        target = getattr(target, part)
    function = target.chunk_function if isinstance(target, OperationType) else target
    assert callable(function), f"{module_name}.{qualified_name} is not a chunk function"
    return function(*arguments)


def _coerce(value: Any, definition: OperationType) -> ChunkResult:
    if isinstance(value, ChunkResult):
        return value
    try:
        return ChunkResult.model_validate(value)
    except ValidationError as invalid:
        raise OperationFailedError(
            f"Operation type {definition.name!r} returned {type(value).__name__}, "
            "not a ChunkResult.",
            "This is a bug in the operation's chunk function; report it to its author.",
        ) from invalid


@dataclass(slots=True)
class _ChunkCall:
    """One chunk function call, made again on every attempt (built per chunk: not frozen,
    whose ``__init__`` costs several times more)."""

    definition: OperationType
    input_value: BaseModel
    state: Any
    progress: ChunkProgress
    timeout_s: float | None
    process_pool: Executor | None

    async def attempt(self) -> ChunkResult:
        function = self.definition.chunk_function
        assert function is not None, "agent-driven types have no chunk function"
        arguments = (self.input_value, self.state, self.progress, self.progress.chunk_index)
        if self.definition.run_in == "event_loop":
            awaitable = function(*arguments)
        elif self.definition.run_in == "thread":
            awaitable = asyncio.to_thread(function, *arguments)
        else:
            awaitable = asyncio.get_running_loop().run_in_executor(
                self.process_pool,
                _call_by_name,
                function.__module__,
                function.__qualname__,
                *arguments,
            )
        timeout_s = self.timeout_s
        try:
            # wait_for wraps its argument in a task even without a timeout; skip that per chunk.
            value = await (
                awaitable if timeout_s is None else asyncio.wait_for(awaitable, timeout_s)
            )
        except TimeoutError:
            self.progress.request_cancel()
            raise ChunkTimeoutError(
                self.progress.chunk_index, int((timeout_s or 0) * 1000)
            ) from None
        return _coerce(value, self.definition)


async def run_chunk(
    definition: OperationType,
    input_value: BaseModel,
    state: Any,
    progress: ChunkProgress,
    *,
    timeout_s: float | None,
    process_pool: Executor | None,
) -> ChunkResult:
    """Run the chunk, retrying transient failures with backoff.

    An :class:`AgentToolsError` raised by the chunk (other than a timeout) is
    deliberate and not retried. Raises :class:`ChunkAttemptsExhausted` when the
    chunk cannot succeed.
    """
    policy = definition.retry
    call = _ChunkCall(definition, input_value, state, progress, timeout_s, process_pool)
    attempt = 1
    while True:
        progress.attempt = attempt
        try:
            return await call.attempt()
        except ChunkTimeoutError as timeout:
            failure: AgentToolsError = timeout
        except AgentToolsError as deliberate:
            raise ChunkAttemptsExhausted(deliberate) from deliberate
        except asyncio.CancelledError:
            raise
        except Exception as crash:
            logger.warning(
                "chunk %s of %s failed (attempt %d): %r",
                progress.chunk_index,
                progress.operation_id,
                attempt,
                crash,
            )
            failure = OperationFailedError(
                f"Chunk {progress.chunk_index} raised {type(crash).__name__}: {crash}",
                chunk_index=progress.chunk_index,
                attempts=attempt,
            )
        if attempt > policy.max_retries:
            raise ChunkAttemptsExhausted(failure)
        await asyncio.sleep(policy.delay_s(attempt))
        attempt += 1
