"""Send background operations to the worker fleet instead of running them here."""

from __future__ import annotations

import asyncio

from celery import Celery

from agent_tools.core.priorities import DEFAULT_PRIORITY
from agent_tools.runtime.background import Maintenance, RunBackground
from agent_tools.runtime.fleet.celery_app import DEFAULT_QUEUE, send_slice
from agent_tools.stores.base import Store

RECOVERY_BATCH = 100


class CeleryDispatcher:
    """A :class:`~agent_tools.runtime.background.BackgroundDispatcher` over Celery.

    Its :class:`~agent_tools.runtime.background.Maintenance` re-dispatches
    operations whose worker died, so every server and worker on the fleet
    watches for orphans.
    """

    def __init__(
        self, app: Celery, maintenance: Maintenance, *, queue: str = DEFAULT_QUEUE
    ) -> None:
        self._app = app
        self._maintenance = maintenance
        self._queue = queue

    async def start(self, store: Store, run_background: RunBackground) -> None:
        self._maintenance.start(store, self.dispatch, RECOVERY_BATCH)

    async def dispatch(self, operation_id: str, priority: float = DEFAULT_PRIORITY) -> None:
        await asyncio.to_thread(send_slice, self._app, self._queue, operation_id, priority)

    async def close(self) -> None:
        await self._maintenance.stop()


def fleet_dispatcher(
    broker_url: str, maintenance: Maintenance, *, queue: str = DEFAULT_QUEUE
) -> CeleryDispatcher:
    """The dispatcher a server uses when it is given ``--broker``."""
    from agent_tools.runtime.fleet.celery_app import make_celery

    return CeleryDispatcher(make_celery(broker_url, queue), maintenance, queue=queue)
