"""Forward the engine's progress to the MCP client that asked for it."""

from __future__ import annotations

import logging

from mcp.server.context import ServerRequestContext

from agent_tools.runtime.engine import OnProgress

logger = logging.getLogger(__name__)


def progress_reporter(context: ServerRequestContext[object, object]) -> OnProgress:
    """An ``on_progress`` callback sending ``notifications/progress`` for this request.

    The SDK drops the notification when the client sent no progress token, and
    the progress value never moves backwards because a chunk only commits forward.
    """

    async def report(current_step: float, total_steps: float | None, message: str | None) -> None:
        await context.session.report_progress(current_step, total_steps, message)

    return report
