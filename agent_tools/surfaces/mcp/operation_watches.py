"""Watch operations for change: one task per watched operation, shared by all its subscribers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from agent_tools.core.errors import OperationNotFoundError
from agent_tools.runtime.engine import Engine

logger = logging.getLogger(__name__)

WATCH_WAIT_MS = 30_000
"""How long one wait on the engine lasts before the watcher asks again (changes wake it sooner)."""

OnChange = Callable[[str], Awaitable[None]]
"""Called with the operation id after each change of the operation's revision."""


class OperationWatches:
    """Counted watches: the first ``acquire`` starts a watcher, the last release stops it.

    A watcher calls ``on_change`` once per new revision (every commit and status
    change), and once more when the operation disappears (purged); it ends by
    itself when the operation reaches a terminal status, whose view is final.
    """

    def __init__(self, engine: Engine, on_change: OnChange) -> None:
        self._engine = engine
        self._on_change = on_change
        self._watchers: dict[str, asyncio.Task[None]] = {}
        self._holders: dict[str, int] = {}

    def acquire(self, operation_id: str) -> Callable[[], None]:
        """Watch ``operation_id`` until the returned release is called (twice is harmless)."""
        self._holders[operation_id] = self._holders.get(operation_id, 0) + 1
        if operation_id not in self._watchers:
            self._watchers[operation_id] = asyncio.create_task(
                self._watch(operation_id), name=f"agent-tools watch {operation_id}"
            )
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            self._holders[operation_id] -= 1
            if self._holders[operation_id] == 0:
                del self._holders[operation_id]
                watcher = self._watchers.pop(operation_id, None)
                if watcher is not None:
                    watcher.cancel()

        return release

    def watching(self) -> set[str]:
        """The operations with a running watcher."""
        return {key for key, task in self._watchers.items() if not task.done()}

    async def close(self) -> None:
        """Stop every watcher (server shutdown)."""
        watchers = list(self._watchers.values())
        self._watchers.clear()
        self._holders.clear()
        for watcher in watchers:
            watcher.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)

    async def _watch(self, operation_id: str) -> None:
        try:
            mark = await self._engine.wait_for_change(operation_id)
        except OperationNotFoundError:
            return  # nothing to watch: a subscription to an unknown resource never fires
        try:
            while not mark.status.is_terminal:
                latest = await self._engine.wait_for_change(
                    operation_id, mark.revision, wait_ms=WATCH_WAIT_MS
                )
                if latest.revision != mark.revision:
                    await self._on_change(operation_id)
                mark = latest
        except OperationNotFoundError:
            await self._on_change(operation_id)  # purged: the resource changed for the last time
        except Exception:
            # A watcher must never take the server down; its subscribers simply hear nothing more.
            logger.exception("watching operation %s failed", operation_id)
