"""Gauges read from the store at scrape time: active operations, and the queue of waiting work.

The store is the source of truth across a fleet, so these come from it, not from
one process's counters. Reads are bounded (``SCAN_LIMIT`` records per status), so a
scrape costs the same on a store with millions of finished operations.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from agent_tools.core.records import OperationQuery, OperationRecord
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store

ACTIVE_STATUSES = (OperationStatus.PENDING, OperationStatus.RUNNING, OperationStatus.PAUSED)
SCAN_LIMIT = 1000
"""At most this many records are read per status (and for the queue) on a scrape."""


@dataclass(frozen=True)
class StoreSnapshot:
    """What the gauges show: counts by (type, status), and the waiting background work."""

    active: dict[tuple[str, str], int] = field(default_factory=dict)
    queue_depth: int = 0
    queue_oldest_age_s: float = 0.0
    truncated: bool = False


async def read_snapshot(store: Store, now: float | None = None) -> StoreSnapshot:
    """Count the active operations and the background ones no runner holds."""
    now = time.time() if now is None else now
    active: Counter[tuple[str, str]] = Counter()
    truncated = False
    for status in ACTIVE_STATUSES:
        page = await store.list_operations(OperationQuery(status=status, limit=SCAN_LIMIT))
        active.update((record.operation_type, status.value) for record in page.records)
        truncated = truncated or page.has_more
    waiting = await store.list_recoverable(now, SCAN_LIMIT)
    ages = [now - _waiting_since(record) for record in waiting]
    return StoreSnapshot(
        active=dict(active),
        queue_depth=len(waiting),
        queue_oldest_age_s=max(ages, default=0.0),
        truncated=truncated or len(waiting) >= SCAN_LIMIT,
    )


def _waiting_since(record: OperationRecord) -> float:
    """Since when a background operation waits: its lapsed lease's end, else its last change."""
    return record.lease_expires_at or record.updated_at


class StoreGauges(Collector):
    """A collector that shows the snapshot ``latest()`` returns when scraped."""

    def __init__(self, latest: Callable[[], StoreSnapshot]) -> None:
        self._latest = latest

    def collect(self) -> Iterator[Metric]:
        snapshot = self._latest()
        active = GaugeMetricFamily(
            "agent_tools_active_operations",
            "Operations pending, running or paused in the store, by type.",
            labels=["operation_type", "status"],
        )
        for (operation_type, status), count in sorted(snapshot.active.items()):
            active.add_metric([operation_type, status], count)
        yield active
        yield GaugeMetricFamily(
            "agent_tools_queue_depth",
            "Background operations waiting for a runner (pending, or their lease lapsed).",
            value=snapshot.queue_depth,
        )
        yield GaugeMetricFamily(
            "agent_tools_queue_oldest_age_seconds",
            "How long the longest-waiting background operation has waited for a runner.",
            value=snapshot.queue_oldest_age_s,
        )
        yield GaugeMetricFamily(
            "agent_tools_store_scan_truncated",
            f"1 when a count reached its limit of {SCAN_LIMIT} records and is a lower bound.",
            value=1.0 if snapshot.truncated else 0.0,
        )
