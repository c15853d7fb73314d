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
from collections.abc import Awaitable, Callable
from typing import Protocol

from agent_tools.stores.base import Store

logger = logging.getLogger(__name__)

RunBackground = Callable[[str], Awaitable[bool]]
"""Run an operation here until it ends; returns whether work remains."""

PURGE_INTERVAL_S = 60.0


class BackgroundDispatcher(Protocol):
    """Gets background operations run somewhere, at least once, until they end."""

    async def start(self, store: Store, run_background: RunBackground) -> None:
        """Begin dispatching; ``run_background`` runs an operation in this process."""

    async def dispatch(self, operation_id: str) -> None:
        """Make sure the operation is (or soon will be) running."""

    async def close(self) -> None:
        """Stop dispatching; in-flight runs are stopped by the engine."""


class InProcessDispatcher:
    """Runs background operations as tasks of this process, at most ``max_concurrent`` at once."""

    def __init__(self, max_concurrent: int, recovery_interval_s: float) -> None:
        self._slots = asyncio.Semaphore(max_concurrent)
        self._max_concurrent = max_concurrent
        self._recovery_interval_s = recovery_interval_s
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._maintenance: asyncio.Task[None] | None = None
        self._store: Store | None = None
        self._run_background: RunBackground | None = None

    async def start(self, store: Store, run_background: RunBackground) -> None:
        self._store = store
        self._run_background = run_background
        self._maintenance = asyncio.create_task(
            maintain_forever(
                store, self.dispatch, self._recovery_interval_s, self._max_concurrent * 4
            )
        )

    async def dispatch(self, operation_id: str) -> None:
        if operation_id in self._tasks:
            return
        task = asyncio.create_task(self._run(operation_id))
        self._tasks[operation_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(operation_id, None))

    async def _run(self, operation_id: str) -> None:
        assert self._run_background is not None
        async with self._slots:
            try:
                await self._run_background(operation_id)
            except Exception:
                logger.exception("background run of %s failed", operation_id)

    async def close(self) -> None:
        tasks = [*self._tasks.values()]
        if self._maintenance is not None:
            tasks.append(self._maintenance)
        for task in tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks, return_exceptions=True)


async def maintain_forever(
    store: Store,
    dispatch: Callable[[str], Awaitable[None]],
    interval_s: float,
    batch: int,
) -> None:
    """Re-dispatch operations whose runner died (lease expired) and purge expired ones."""
    last_purge = 0.0
    while True:
        try:
            now = time.time()
            for record in await store.list_recoverable(now, batch):
                await dispatch(record.operation_id)
            if now - last_purge >= PURGE_INTERVAL_S:
                purged = await store.purge_expired(now)
                last_purge = now
                if purged:
                    logger.info("purged %d expired operations", purged)
        except Exception:
            logger.exception("background maintenance failed; retrying")
        await asyncio.sleep(interval_s)
