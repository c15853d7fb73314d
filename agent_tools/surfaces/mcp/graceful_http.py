"""A uvicorn server that returns on SIGINT/SIGTERM instead of re-raising the signal."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator

import uvicorn


class GracefulServer(uvicorn.Server):
    """Stops on SIGINT/SIGTERM and returns, so the engine closes before the process exits.

    uvicorn re-raises the signal after its own shutdown, which would end the
    process before the running operations are checkpointed and released.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, self.handle_exit, number, None)
        try:
            yield
        finally:
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(number)
