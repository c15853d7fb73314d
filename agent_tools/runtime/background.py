"""Background operations: who runs them between calls.

The default runs them in this process (an asyncio task each, bounded), and
takes up operations a dead process left behind once their lease expires. A
fleet dispatcher (Celery) implements the same protocol to send them to workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from typing import Protocol

from agent_tools.core.priorities import (
    DEFAULT_AGING_S,
    DEFAULT_PRIORITY,
    WaitingLine,
    aged_priority,
)
from agent_tools.runtime.purge_schedule import (
    DEFAULT_PURGE_INTERVAL_S,
    PurgeSchedule,
    purge_if_due,
)
from agent_tools.settings import Settings
from agent_tools.stores.base import Store

logger = logging.getLogger(__name__)

RunBackground = Callable[[str, float | None], Awaitable[bool]]
"""Run an operation here until it ends or the seconds given pass; returns whether work remains."""
Dispatch = Callable[[str, float], Awaitable[None]]
"""Get an operation run at the priority given (a dispatcher's ``dispatch``)."""


class BackgroundDispatcher(Protocol):
    """Gets background operations run somewhere, at least once, until they end."""

    async def start(self, store: Store, run_background: RunBackground) -> None:
        """Begin dispatching; ``run_background`` runs an operation in this process."""

    async def dispatch(self, operation_id: str, priority: float = DEFAULT_PRIORITY) -> None:
        """Make sure the operation is (or soon will be) running; higher priorities go first."""

    async def close(self) -> None:
        """Stop dispatching; in-flight runs are stopped by the engine."""


class Maintenance:
    """Takes up operations whose runner died and purges expired ones, in a task of its own.

    Every dispatcher runs one, so each server and worker of a fleet watches for
    orphans: one whose lease expired is dispatched again at its aged priority,
    so across a fleet, too, one that waited long overtakes newer urgent ones.
    Purges follow a :class:`PurgeSchedule`: about every ``purge_interval_s``,
    spread at random.
    """

    def __init__(
        self,
        recovery_interval_s: float,
        *,
        aging_s: float = DEFAULT_AGING_S,
        purge_interval_s: float = DEFAULT_PURGE_INTERVAL_S,
    ) -> None:
        self.recovery_interval_s = recovery_interval_s
        self.aging_s = aging_s
        self.purge_interval_s = purge_interval_s
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Maintenance:
        """The maintenance of a process configured by ``settings``.

        Recovery runs every third of the lease TTL, so an orphan waits little past its lease.
        """
        return cls(
            max(0.2, settings.lease_ttl_s / 3),
            aging_s=settings.priority_aging_s,
            purge_interval_s=settings.purge_interval_s,
        )

    def start(self, store: Store, dispatch: Dispatch, batch: int) -> None:
        """Begin; each round re-dispatches at most ``batch`` orphans."""
        self._task = asyncio.create_task(self._run_forever(store, dispatch, batch))

    async def stop(self) -> None:
        """Cancel the task and wait until it has ended."""
        if self._task is not None:
            await cancel_all([self._task])
            self._task = None

    async def _run_forever(self, store: Store, dispatch: Dispatch, batch: int) -> None:
        purges = PurgeSchedule(self.purge_interval_s)
        while True:
            try:
                now = time.time()
                for record in await store.list_recoverable(now, batch):
                    waited_s = now - record.updated_at
                    await dispatch(
                        record.operation_id,
                        aged_priority(record.priority, waited_s, self.aging_s),
                    )
                await purge_if_due(store, purges, now)
            except Exception:
                logger.exception("background maintenance failed; retrying")
            await asyncio.sleep(self.recovery_interval_s)


async def cancel_all(tasks: Collection[asyncio.Task[None]]) -> None:
    """Cancel ``tasks`` and wait until every one has stopped."""
    for task in tasks:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*tasks, return_exceptions=True)


class InProcessDispatcher:
    """Runs background operations as tasks of this process, at most ``max_concurrent`` at once.

    Operations beyond the limit wait in a :class:`WaitingLine`: the highest aged
    priority starts first. Each runs for ``slice_s`` at a time and then queues
    again, so a long low-priority run cannot hold a slot that urgent work waits for.
    """

    def __init__(
        self,
        max_concurrent: int,
        maintenance: Maintenance,
        *,
        slice_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_concurrent = max_concurrent
        self._maintenance = maintenance
        self._line = WaitingLine(maintenance.aging_s)
        """Operations waiting here age at the rate maintenance ages the ones it re-dispatches."""
        self._slice_s = slice_s
        self._clock = clock
        self._priorities: dict[str, int] = {}
        """Every operation queued or running here, with the priority it was dispatched at."""
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._run_background: RunBackground | None = None

    async def start(self, store: Store, run_background: RunBackground) -> None:
        self._run_background = run_background
        self._maintenance.start(store, self.dispatch, self._max_concurrent * 4)

    async def dispatch(self, operation_id: str, priority: float = DEFAULT_PRIORITY) -> None:
        if operation_id in self._priorities:
            return
        self._priorities[operation_id] = int(priority)
        self._line.add(operation_id, int(priority), self._clock())
        self._fill_slots()

    def _fill_slots(self) -> None:
        while len(self._tasks) < self._max_concurrent:
            operation_id = self._line.pop(self._clock())
            if operation_id is None:
                return
            self._tasks[operation_id] = asyncio.create_task(self._run(operation_id))

    async def _run(self, operation_id: str) -> None:
        assert self._run_background is not None
        more = False
        try:
            more = await self._run_background(operation_id, self._slice_s)
        except Exception:
            logger.exception("background run of %s failed", operation_id)
        finally:
            del self._tasks[operation_id]
            if more:
                self._line.add(operation_id, self._priorities[operation_id], self._clock())
            else:
                del self._priorities[operation_id]
            self._fill_slots()

    async def close(self) -> None:
        await self._maintenance.stop()
        await cancel_all([*self._tasks.values()])
