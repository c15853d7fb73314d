"""Server-sent events: the list's rows and one operation's progress, pushed as they change.

The page opens an ``EventSource`` and never polls. Here, each stream long-polls
the engine (``get_progress`` with ``wait_ms`` wakes on the next commit) and sends
only what changed; while nothing is active it looks again every ``IDLE_S`` so
new and resumed operations appear.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from agent_tools.core.principals import Principal, acting_as
from agent_tools.core.views import OperationView
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.web.history import ProgressHistory
from agent_tools.surfaces.web.listing import ACTIVE, list_rows

WAIT_MS = 10_000
IDLE_S = 2.0
PING_S = 15

Event = dict[str, str]


async def list_stream(
    engine: Engine,
    history: ProgressHistory,
    principal: Principal,
    *,
    status: str | None,
    operation_type: str | None,
) -> AsyncIterator[Event]:
    """``operations`` events: the first page of rows whenever one of them changes."""
    last = ""
    while True:
        with acting_as(principal):
            rows, views = await list_rows(engine, status=status, operation_type=operation_type)
            for view in views:
                history.record(view)
            payload = rows.model_dump_json()
            if payload != last:
                yield {"event": "operations", "data": payload}
                last = payload
            await _any_change(engine, views)


async def _any_change(engine: Engine, views: list[OperationView]) -> None:
    """Return when one of ``views`` changes, or after ``IDLE_S`` when none is active."""
    if not views:
        await asyncio.sleep(IDLE_S)
        return
    waits = [
        asyncio.ensure_future(engine.get_progress(view.operation_id, wait_ms=WAIT_MS))
        for view in views
    ]
    try:
        await asyncio.wait(waits, timeout=IDLE_S * 5, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
        await asyncio.gather(*waits, return_exceptions=True)


async def detail_stream(
    engine: Engine, history: ProgressHistory, principal: Principal, operation_id: str
) -> AsyncIterator[Event]:
    """``history`` once, then a ``progress`` event per change; ``end`` once it is over."""
    with acting_as(principal):
        view = await engine.get_progress(operation_id)
    history.record(view)
    samples = [sample.model_dump() for sample in history.samples(operation_id)]
    yield {"event": "history", "data": json.dumps(samples)}
    last = ""
    while True:
        sample = history.record(view)
        current = view.model_dump_json()
        if current != last:
            yield {
                "event": "progress",
                "data": json.dumps(_progress_event(view, sample.model_dump())),
            }
            last = current
        if view.status.is_terminal:
            yield {"event": "end", "data": view.status.value}
            return
        if view.status not in ACTIVE:
            await asyncio.sleep(IDLE_S)
        with acting_as(principal):
            view = await engine.get_progress(operation_id, wait_ms=WAIT_MS)


def _progress_event(view: OperationView, sample: dict[str, Any]) -> dict[str, Any]:
    return {"view": view.model_dump(mode="json"), "sample": sample}
