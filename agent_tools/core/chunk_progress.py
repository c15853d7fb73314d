"""What a running chunk is handed as ``progress``: where it stands, and a way to report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent_tools.core.input_requests import InputResponse
from agent_tools.core.policy import ExecutionPolicy


@dataclass
class ChunkProgress:
    """Progress context for one chunk run.

    Read ``current_step``/``total_steps`` to know where the operation stands;
    call :meth:`report` for finer progress while the chunk runs (safe from any
    thread); use ``idempotency_key`` for external side effects so a re-run of
    the chunk after a crash does not repeat them; check ``cancel_requested``
    in long sync loops to stop early. ``input_responses`` holds the answers to
    the questions the previous chunk asked (``ChunkResult.ask``), by name; it is
    empty for every other chunk.
    """

    operation_id: str
    chunk_index: int
    current_step: int
    total_steps: int | None
    chunk_size: int
    attempt: int = 1
    policy: ExecutionPolicy = field(default_factory=ExecutionPolicy)
    listener: Callable[[int, str | None], None] | None = field(default=None, repr=False)
    _cancel: bool = field(default=False, repr=False)
    """A plain flag: set by the engine's thread, read by the chunk's; a bool write is atomic."""
    reported_step: int | None = None
    reported_message: str | None = None
    input_responses: dict[str, InputResponse] = field(default_factory=dict)

    @property
    def idempotency_key(self) -> str:
        """``operation_id:chunk_index``: the same for every run of this chunk."""
        return f"{self.operation_id}:{self.chunk_index}"

    @property
    def percentage(self) -> float | None:
        if not self.total_steps:
            return None
        return min(100.0, 100.0 * self.current_step / self.total_steps)

    @property
    def cancel_requested(self) -> bool:
        return self._cancel

    def request_cancel(self) -> None:
        self._cancel = True

    def __getstate__(self) -> dict[str, object]:
        """Pickle without the listener: a process-pool copy reports nowhere."""
        return {**self.__dict__, "listener": None}

    def report(self, current_step: int, message: str | None = None) -> None:
        """Report the absolute step reached inside this chunk (not yet committed)."""
        self.reported_step = current_step
        self.reported_message = message
        if self.listener is not None:
            self.listener(current_step, message)
