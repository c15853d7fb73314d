"""Send background operations to the worker fleet instead of running them here."""

from __future__ import annotations

import asyncio
import contextlib

from celery import Celery

from agent_tools.core.priorities import DEFAULT_AGING_S, DEFAULT_PRIORITY
from agent_tools.runtime.background import RunBackground, maintain_forever
from agent_tools.runtime.fleet.celery_app import DEFAULT_QUEUE, send_slice
from agent_tools.runtime.purge_schedule import DEFAULT_PURGE_INTERVAL_S
from agent_tools.stores.base import Store

RECOVERY_BATCH = 100


class CeleryDispatcher:
    """A :class:`~agent_tools.runtime.background.BackgroundDispatcher` over Celery.

    It also re-dispatches operations whose worker died, once their lease has
    expired, so every server and worker on the fleet watches for orphans; one
    still waiting is sent again at its aged priority, so it is not starved.
    """

    def __init__(
        self,
        app: Celery,
        recovery_interval_s: float,
        *,
        queue: str = DEFAULT_QUEUE,
        aging_s: float = DEFAULT_AGING_S,
        purge_interval_s: float = DEFAULT_PURGE_INTERVAL_S,
    ) -> None:
        self._app = app
        self._purge_interval_s = purge_interval_s
        self._recovery_interval_s = recovery_interval_s
        self._queue = queue
        self._aging_s = aging_s
        self._maintenance: asyncio.Task[None] | None = None

    async def start(self, store: Store, run_background: RunBackground) -> None:
        self._maintenance = asyncio.create_task(
            maintain_forever(
                store,
                self.dispatch,
                self._recovery_interval_s,
                RECOVERY_BATCH,
                self._aging_s,
                purge_interval_s=self._purge_interval_s,
            )
        )

    async def dispatch(self, operation_id: str, priority: float = DEFAULT_PRIORITY) -> None:
        await asyncio.to_thread(send_slice, self._app, self._queue, operation_id, priority)

    async def close(self) -> None:
        if self._maintenance is not None:
            self._maintenance.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._maintenance
            self._maintenance = None


def fleet_dispatcher(
    broker_url: str,
    lease_ttl_s: float,
    *,
    queue: str = DEFAULT_QUEUE,
    aging_s: float = DEFAULT_AGING_S,
    purge_interval_s: float = DEFAULT_PURGE_INTERVAL_S,
) -> CeleryDispatcher:
    """The dispatcher a server uses when it is given ``--broker``."""
    from agent_tools.runtime.fleet.celery_app import make_celery

    return CeleryDispatcher(
        make_celery(broker_url, queue),
        max(0.2, lease_ttl_s / 3),
        queue=queue,
        aging_s=aging_s,
        purge_interval_s=purge_interval_s,
    )
