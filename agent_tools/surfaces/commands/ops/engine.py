"""The engine an ``ops`` command talks to: it steers operations but runs no background work."""

from __future__ import annotations

import argparse

from agent_tools.runtime.engine import Engine


def observer_engine(args: argparse.Namespace) -> Engine:
    """An engine on the configured store with the configured operation types.

    Background operations are left to the process that serves them: through the
    fleet's broker when one is configured, otherwise by handing them off in the
    store (see :class:`~agent_tools.runtime.hand_off.HandOffDispatcher`).
    """
    from agent_tools.core.registry import OperationRegistry
    from agent_tools.runtime.background import BackgroundDispatcher
    from agent_tools.runtime.fleet.broker import broker_dispatcher
    from agent_tools.runtime.hand_off import HandOffDispatcher
    from agent_tools.runtime.loading import load_operations
    from agent_tools.surfaces.commands import settings_from

    settings = settings_from(args)
    registry = load_operations(settings.ops, OperationRegistry())
    dispatcher: BackgroundDispatcher = broker_dispatcher(settings) or HandOffDispatcher()
    return Engine.from_settings(settings, registry=registry, dispatcher=dispatcher)
