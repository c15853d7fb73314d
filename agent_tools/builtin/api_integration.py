"""``api_integration``: a batch of HTTP requests, a slice per chunk, each summarised as an item."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel

from agent_tools.builtin.api_requests import ApiIntegrationInput
from agent_tools.builtin.http_sending import RatePacer, Sender
from agent_tools.builtin.network import check_url_allowed
from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.definitions import ChunkResult, ProgressUpdate, operation


def _plan(request: BaseModel) -> int:
    assert isinstance(request, ApiIntegrationInput)
    return request.request_count()


def _initial_state(request: BaseModel) -> dict[str, Any]:
    return {"next_index": 0, "succeeded": 0, "failed": 0, "by_status": {}, "not_before": 0.0}


@operation(
    name="api_integration",
    input_model=ApiIntegrationInput,
    plan=_plan,
    initial_state=_initial_state,
    chunk_size=20,
    description=(
        "Send a batch of HTTP requests (a list, or url_template filled from records), "
        "chunk_size per chunk, with bounded concurrency, an optional rate limit and retries "
        "with exponential backoff on 429/5xx/connection errors (Retry-After honoured). Each "
        "response becomes a result item: status, elapsed_ms, bytes and a body excerpt or "
        "selected JSON fields. Private and loopback addresses are refused unless the server "
        "allows them."
    ),
)
async def api_integration(
    request: ApiIntegrationInput, state: dict[str, Any], progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Send the next ``chunk_size`` requests; refuse the chunk if any URL is not allowed."""
    first = state["next_index"]
    indexes = range(first, min(first + progress.chunk_size, request.request_count()))
    requests = [request.request_at(index) for index in indexes]
    for outgoing in requests:
        await check_url_allowed(outgoing.url, progress.policy)
    pacer = RatePacer(request.rate_limit_per_second, state["not_before"])
    slots = asyncio.Semaphore(request.concurrency)
    finished_count = 0

    # httpx loads here, not at start-up: it imports rich and pygments for its CLI (~0.3 s).
    from agent_tools.builtin.checked_connect import checked_client

    async with checked_client(progress.policy, request.timeout_s) as client:
        sender = Sender(client, request, progress.policy, pacer)

        async def send(index: int, outgoing: Any) -> dict[str, Any]:
            nonlocal finished_count
            async with slots:
                item = await sender.send(index, outgoing, f"{progress.idempotency_key}:{index}")
            finished_count += 1
            progress.report(first + finished_count, f"request {index} done")
            return item

        items = await asyncio.gather(
            *(send(index, outgoing) for index, outgoing in zip(indexes, requests, strict=True))
        )
    next_state = _tally(state, items, first + len(items), pacer.next_start_unix)
    completed = next_state["next_index"] >= request.request_count()
    result = None
    if completed:
        result = {
            "requests": request.request_count(),
            "succeeded": next_state["succeeded"],
            "failed": next_state["failed"],
            "by_status": next_state["by_status"],
        }
    return ChunkResult(
        items=list(items),
        next_state=next_state,
        progress_update=ProgressUpdate(
            current_step=next_state["next_index"],
            label=f"{next_state['next_index']} of {request.request_count()} requests sent",
        ),
        completed=completed,
        result=result,
    )


def _tally(
    state: dict[str, Any], items: list[dict[str, Any]], next_index: int, not_before: float
) -> dict[str, Any]:
    """The next state: counts of successes (status < 400), failures and statuses."""
    by_status = dict(state["by_status"])
    succeeded, failed = state["succeeded"], state["failed"]
    for item in items:
        status = item.get("status")
        key = str(status) if status is not None else item["error"]["code"]
        by_status[key] = by_status.get(key, 0) + 1
        if status is not None and status < 400:
            succeeded += 1
        else:
            failed += 1
    return {
        "next_index": next_index,
        "succeeded": succeeded,
        "failed": failed,
        "by_status": by_status,
        "not_before": not_before,
    }
