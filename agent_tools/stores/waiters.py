"""Long-polls: callers waiting for an operation's revision to change, woken by notifications."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable


class ChangeWaiters:
    """Who waits on which operation, and the wait loop every store's long-poll uses.

    A store calls :meth:`wake` when it learns of a change (its own commit, a
    NOTIFY, a pub/sub message). Where changes can happen unseen (another
    process on a SQLite file), ``poll_s`` bounds how long a wait goes unchecked.
    """

    def __init__(self, poll_s: float | None = None) -> None:
        self._poll_s = poll_s
        self._waiting: dict[str, set[asyncio.Event]] = {}

    def wake(self, operation_id: str) -> None:
        for event in self._waiting.get(operation_id, ()):
            event.set()

    async def wait(
        self,
        operation_id: str,
        revision: int,
        timeout_s: float,
        current_revision: Callable[[], Awaitable[int | None]],
    ) -> None:
        """Return once ``current_revision()`` differs from ``revision`` or the timeout ends."""
        woken = asyncio.Event()
        self._waiting.setdefault(operation_id, set()).add(woken)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                remaining = deadline - time.monotonic()
                if await current_revision() != revision or remaining <= 0:
                    return
                woken.clear()
                pause = remaining if self._poll_s is None else min(self._poll_s, remaining)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), pause)
        finally:
            waiting = self._waiting.get(operation_id, set())
            waiting.discard(woken)
            if not waiting:
                self._waiting.pop(operation_id, None)
