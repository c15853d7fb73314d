"""The fleet dispatcher a process uses when its settings name a broker, else none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent_tools.settings import Settings

if TYPE_CHECKING:
    from agent_tools.runtime.fleet.dispatcher import CeleryDispatcher


def broker_dispatcher(settings: Settings) -> CeleryDispatcher | None:
    """A dispatcher to the worker fleet at ``settings.broker``; None without a broker.

    Celery is imported only when a broker is configured.
    """
    if not settings.broker:
        return None
    from agent_tools.runtime.background import Maintenance
    from agent_tools.runtime.fleet.dispatcher import fleet_dispatcher

    return fleet_dispatcher(
        settings.broker, Maintenance.from_settings(settings), queue=settings.queue
    )
