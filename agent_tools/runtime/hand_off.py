"""A dispatcher for processes that look at operations but do not run them (``agent-tools ops``)."""

from __future__ import annotations

from agent_tools.core.priorities import DEFAULT_PRIORITY
from agent_tools.runtime.background import RunBackground
from agent_tools.stores.base import Store


class HandOffDispatcher:
    """Runs no background operation here; the store hands them to the process that serves them.

    A background operation resumed from a terminal is ``running`` without a live
    lease, which the serving process's recovery loop (or a fleet worker) takes up.
    A short-lived command must not start runs that would stop when it exits.
    """

    async def start(self, store: Store, run_background: RunBackground) -> None:
        """Nothing to start: this process runs no background work."""

    async def dispatch(self, operation_id: str, priority: float = DEFAULT_PRIORITY) -> None:
        """Leave the operation to its serving process."""

    async def close(self) -> None:
        """Nothing to stop."""
