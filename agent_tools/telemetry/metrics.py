"""The Prometheus metrics of the runtime: counters and histograms fed by the observer hooks.

Names follow Prometheus conventions (prefix ``agent_tools_``, base units, ``_total``
on counters). Labels are bounded: the operation type (from the registry), a status
or a commit kind; never an operation id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram

from agent_tools.core.status import OperationStatus
from agent_tools.runtime.observer import ChunkObservation, Observation, ObservedOperation

Labels = tuple[str, ...]
BY_TYPE: Labels = ("operation_type",)
"""The labels of most metrics: the operation type alone."""
CHUNK_BUCKETS_S = (0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
COMMIT_BUCKETS_S = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5)
OVERSHOOT_BUCKETS_S = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30)


class RuntimeMetrics:
    """The runtime's metrics in ``registry``: a runtime observer that counts and times."""

    wants_lease_holders = True

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.operations = self._counter(
            "operations",
            "Operations that entered a status (pending: created), by type.",
            labels=("operation_type", "status"),
        )
        self.chunk_duration = self._histogram(
            "chunk_duration_seconds", "Wall time of one chunk, retries included.", CHUNK_BUCKETS_S
        )
        self.chunk_failures = self._counter(
            "chunk_failures",
            "Chunks that failed for good (out of attempts, or timed out), by error code.",
            labels=("operation_type", "code"),
        )
        self.retries = self._counter("chunk_retries", "Chunk attempts beyond the first.")
        self.checkpoint_commit = self._histogram(
            "checkpoint_commit_seconds",
            "Latency of one checkpoint commit to the store.",
            COMMIT_BUCKETS_S,
            labels=("operation_type", "kind", "outcome"),
        )
        self.overshoot = self._histogram(
            "slice_overshoot_seconds",
            "How long after its planned end an inline slice's runner stopped.",
            OVERSHOOT_BUCKETS_S,
        )
        self.slices = self._counter(
            "slices",
            "Runs of an operation under one lease, by how they ended.",
            labels=("operation_type", "mode", "ended"),
        )
        self.lease_takeovers = self._counter(
            "lease_takeovers", "Leases taken from a holder that died or let its lease expire."
        )
        self.audit_write_failures = self._counter(
            "audit_write_failures",
            "Appends to the audit log that failed (their entries are kept and retried).",
            labels=(),
        )

    def _counter(self, name: str, documentation: str, labels: Labels = BY_TYPE) -> Counter:
        """The counter ``agent_tools_<name>_total`` in this registry."""
        return Counter(f"agent_tools_{name}", documentation, labels, registry=self.registry)

    def _histogram(
        self, name: str, documentation: str, buckets: tuple[float, ...], labels: Labels = BY_TYPE
    ) -> Histogram:
        """The histogram ``agent_tools_<name>`` in this registry."""
        return Histogram(
            f"agent_tools_{name}", documentation, labels, buckets=buckets, registry=self.registry
        )

    def slice_started(self, operation: ObservedOperation, *, inline: bool) -> Observation:
        return _SliceCount(self, operation.operation_type, "inline" if inline else "background")

    def slice_overshoot(self, operation: ObservedOperation, overshoot_s: float) -> None:
        self.overshoot.labels(operation.operation_type).observe(overshoot_s)

    def chunk_started(self, operation: ObservedOperation, chunk_index: int) -> ChunkObservation:
        return _ChunkTiming(self, operation.operation_type)

    def checkpoint_started(
        self, operation: ObservedOperation, kind: str, status: OperationStatus
    ) -> Observation:
        return _CommitTiming(self, operation.operation_type, kind, status)

    def status_entered(self, operation: ObservedOperation, status: OperationStatus) -> None:
        self.operations.labels(operation.operation_type, status.value).inc()

    def lease_taken_over(self, operation: ObservedOperation, previous_holder: str) -> None:
        self.lease_takeovers.labels(operation.operation_type).inc()

    def audit_write_failed(self, entries: int) -> None:
        self.audit_write_failures.inc()


class _SliceCount:
    def __init__(self, metrics: RuntimeMetrics, operation_type: str, mode: str) -> None:
        self._metrics = metrics
        self._labels = (operation_type, mode)

    def finished(self, outcome: str) -> None:
        self._metrics.slices.labels(*self._labels, outcome).inc()


class _ChunkTiming:
    def __init__(self, metrics: RuntimeMetrics, operation_type: str) -> None:
        self._metrics = metrics
        self._type = operation_type
        self._started = time.perf_counter()

    def failed(self, error_code: str) -> None:
        self._metrics.chunk_failures.labels(self._type, error_code).inc()

    def finished(self, attempts: int) -> None:
        self._metrics.chunk_duration.labels(self._type).observe(time.perf_counter() - self._started)
        if attempts > 1:
            self._metrics.retries.labels(self._type).inc(attempts - 1)


@dataclass
class _CommitTiming:
    metrics: RuntimeMetrics
    operation_type: str
    kind: str
    status: OperationStatus
    started: float = field(default_factory=time.perf_counter)

    def finished(self, outcome: str) -> None:
        elapsed = time.perf_counter() - self.started
        commits = self.metrics.checkpoint_commit
        commits.labels(self.operation_type, self.kind, outcome).observe(elapsed)
        if outcome == "committed" and self.status.is_terminal:
            self.metrics.operations.labels(self.operation_type, self.status.value).inc()
