"""The hooks the runtime calls at the moments operators measure: one small interface.

Metrics and traces (``agent_tools.telemetry``) implement it; the runtime only
calls it, so the runner stays readable and imports no telemetry package. The
default, :data:`NO_OBSERVER`, does nothing and costs a method call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from agent_tools.core.records import OperationRecord
from agent_tools.core.status import OperationStatus


@dataclass
class ObservedOperation:
    """Which operation a hook is about: its id (for traces) and type (for metrics)."""

    operation_id: str
    operation_type: str


class ChunkObservation(Protocol):
    """One chunk in flight; ``finished`` is called once, after ``failed`` if it failed."""

    def failed(self, error_code: str) -> None: ...

    def finished(self, attempts: int) -> None:
        """The chunk ended after ``attempts`` tries (retries are ``attempts - 1``)."""


Outcome = TypeVar("Outcome")
Outcome_contra = TypeVar("Outcome_contra", contravariant=True)


class _Ending(Protocol[Outcome_contra]):
    """What observations of a slice, a commit and a chunk share: how they end."""

    def finished(self, outcome: Outcome_contra, /) -> None: ...


class Observation(Protocol):
    """A span of work (a slice or a checkpoint commit) ended by ``finished``."""

    def finished(self, outcome: str) -> None: ...


class RuntimeObserver(Protocol):
    """What the runtime reports; every method must be cheap and must not raise."""

    wants_lease_holders: bool
    """Whether the runtime should read who held a lease before taking it (one extra read)."""

    def slice_started(self, operation: ObservedOperation, *, inline: bool) -> Observation: ...

    def slice_overshoot(self, operation: ObservedOperation, overshoot_s: float) -> None:
        """An inline slice ended ``overshoot_s`` after its planned end (0 when on time)."""

    def chunk_started(self, operation: ObservedOperation, chunk_index: int) -> ChunkObservation: ...

    def checkpoint_started(
        self, operation: ObservedOperation, kind: str, status: OperationStatus
    ) -> Observation:
        """A commit of ``kind`` (checkpoint, completed, failed, ...) that moves to ``status``."""

    def status_entered(self, operation: ObservedOperation, status: OperationStatus) -> None:
        """The operation was created (pending), paused, cancelled, completed or failed."""

    def lease_taken_over(self, operation: ObservedOperation, previous_holder: str) -> None:
        """This process took the lease of a holder that died or whose lease expired."""

    def audit_write_failed(self, entries: int) -> None:
        """An append of ``entries`` access entries to the audit log failed (they are retried)."""


class _Nothing:
    """An observation that records nothing."""

    def failed(self, error_code: str) -> None:
        pass

    def finished(self, value: object) -> None:
        pass


_NOTHING = _Nothing()


class NoObserver:
    """The default observer: every hook does nothing."""

    wants_lease_holders = False

    def slice_started(self, operation: ObservedOperation, *, inline: bool) -> Observation:
        return _NOTHING

    def slice_overshoot(self, operation: ObservedOperation, overshoot_s: float) -> None:
        pass

    def chunk_started(self, operation: ObservedOperation, chunk_index: int) -> ChunkObservation:
        return _NOTHING

    def checkpoint_started(
        self, operation: ObservedOperation, kind: str, status: OperationStatus
    ) -> Observation:
        return _NOTHING

    def status_entered(self, operation: ObservedOperation, status: OperationStatus) -> None:
        pass

    def lease_taken_over(self, operation: ObservedOperation, previous_holder: str) -> None:
        pass

    def audit_write_failed(self, entries: int) -> None:
        pass


NO_OBSERVER: RuntimeObserver = NoObserver()


class _Spans(Generic[Outcome]):
    """Several observers' observations of one span (slice, commit or chunk), ended together."""

    def __init__(self, parts: Sequence[_Ending[Outcome]]) -> None:
        self._parts = parts

    def finished(self, outcome: Outcome) -> None:
        for part in self._parts:
            part.finished(outcome)


class _Chunks(_Spans[int]):
    """Several observers' observations of one chunk: a failure, too, reaches each."""

    def __init__(self, parts: Sequence[ChunkObservation]) -> None:
        super().__init__(parts)
        self._chunks = parts

    def failed(self, error_code: str) -> None:
        for chunk in self._chunks:
            chunk.failed(error_code)


class ObserverGroup:
    """Forwards every hook to each of ``observers`` (metrics and traces at once)."""

    def __init__(self, observers: Sequence[RuntimeObserver]) -> None:
        self._observers = list(observers)
        self.wants_lease_holders = any(o.wants_lease_holders for o in self._observers)

    def slice_started(self, operation: ObservedOperation, *, inline: bool) -> Observation:
        return _Spans([o.slice_started(operation, inline=inline) for o in self._observers])

    def slice_overshoot(self, operation: ObservedOperation, overshoot_s: float) -> None:
        for observer in self._observers:
            observer.slice_overshoot(operation, overshoot_s)

    def chunk_started(self, operation: ObservedOperation, chunk_index: int) -> ChunkObservation:
        return _Chunks([o.chunk_started(operation, chunk_index) for o in self._observers])

    def checkpoint_started(
        self, operation: ObservedOperation, kind: str, status: OperationStatus
    ) -> Observation:
        return _Spans([o.checkpoint_started(operation, kind, status) for o in self._observers])

    def status_entered(self, operation: ObservedOperation, status: OperationStatus) -> None:
        for observer in self._observers:
            observer.status_entered(operation, status)

    def lease_taken_over(self, operation: ObservedOperation, previous_holder: str) -> None:
        for observer in self._observers:
            observer.lease_taken_over(operation, previous_holder)

    def audit_write_failed(self, entries: int) -> None:
        for observer in self._observers:
            observer.audit_write_failed(entries)


def combine(observers: Sequence[RuntimeObserver]) -> RuntimeObserver:
    """One observer for ``observers``: the no-op one when empty, the only one when one."""
    if not observers:
        return NO_OBSERVER
    if len(observers) == 1:
        return observers[0]
    return ObserverGroup(observers)


def observed(record: OperationRecord) -> ObservedOperation:
    """The id and type of ``record``, as the hooks take them."""
    return ObservedOperation(record.operation_id, record.operation_type)
