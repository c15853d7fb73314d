"""Sending one request: address checks on every hop, pacing, retries with backoff."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agent_tools.builtin.api_requests import ApiIntegrationInput, HttpRequest
from agent_tools.builtin.http_summary import body_summary, retry_after_s
from agent_tools.builtin.network import check_url_allowed
from agent_tools.core.errors import AccessDeniedError
from agent_tools.core.policy import ExecutionPolicy

if TYPE_CHECKING:
    # httpx (with the rich and pygments its CLI imports) loads with the first chunk that sends.
    import httpx

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_BODY_KEPT_BYTES = 1024 * 1024
"""Bodies are counted in full but only this much is kept for the excerpt or JSON fields."""


class RatePacer:
    """Spaces request starts at least ``1 / rate`` seconds apart (no limit when rate is None)."""

    def __init__(self, rate_per_second: float | None, not_before_unix: float) -> None:
        self._interval_s = 1.0 / rate_per_second if rate_per_second else 0.0
        self._next_unix = not_before_unix
        self._lock = asyncio.Lock()

    @property
    def next_start_unix(self) -> float:
        """When the next request may start; kept in state so pacing spans chunks."""
        return self._next_unix

    async def wait_turn(self) -> None:
        if not self._interval_s:
            return
        async with self._lock:
            delay_s = self._next_unix - time.time()
            if delay_s > 0:
                await asyncio.sleep(delay_s)
            self._next_unix = max(time.time(), self._next_unix) + self._interval_s


@dataclass
class Sender:
    """Sends the requests of one chunk through one client."""

    client: httpx.AsyncClient
    settings: ApiIntegrationInput
    policy: ExecutionPolicy
    pacer: RatePacer
    url_check: Callable[[str, ExecutionPolicy], Awaitable[None]] = check_url_allowed
    """Runs before every hop, redirects included."""

    async def send(self, index: int, request: HttpRequest, idempotency_key: str) -> dict[str, Any]:
        """Send with retries; return the result item summarising the final response or error."""
        import httpx

        headers = dict(request.headers)
        if self.settings.idempotency_keys and request.method not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("Idempotency-Key", idempotency_key)
        item: dict[str, Any] = {"index": index, "method": request.method, "url": request.url}
        attempt = 0
        while True:
            attempt += 1
            await self.pacer.wait_turn()
            started = time.perf_counter()
            try:
                outcome = await self._follow(request, headers)
            except AccessDeniedError as refused:
                return {**item, "attempts": attempt, "error": refused.as_dict()}
            except (httpx.TransportError, OSError) as failure:
                if attempt <= self.settings.max_retries:
                    await asyncio.sleep(self._backoff_s(attempt, None))
                    continue
                error = {
                    "code": "connection_error",
                    "message": f"{type(failure).__name__}: {failure}",
                }
                return {**item, "attempts": attempt, "error": error}
            status, response_headers, body_bytes, kept = outcome
            if status in RETRIED_STATUSES and attempt <= self.settings.max_retries:
                await asyncio.sleep(
                    self._backoff_s(attempt, retry_after_s(response_headers.get("retry-after")))
                )
                continue
            return {
                **item,
                "status": status,
                "attempts": attempt,
                "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
                "bytes": body_bytes,
                "content_type": response_headers.get("content-type"),
                **body_summary(kept, self.settings.select_fields, self.settings.excerpt_chars),
            }

    def _backoff_s(self, attempt: int, retry_after: float | None) -> float:
        """Retry-After when the server gave one, else exponential backoff with jitter."""
        cap = self.settings.backoff_max_s
        if retry_after is not None:
            return min(cap, retry_after)
        base = min(cap, self.settings.backoff_initial_s * 2.0 ** (attempt - 1))
        return base * random.uniform(0.5, 1.0)

    async def _follow(
        self, request: HttpRequest, headers: dict[str, str]
    ) -> tuple[int, httpx.Headers, int, bytes]:
        """Send and follow redirects by hand, checking every hop's address first."""
        import httpx

        method, url = request.method, request.url
        outgoing = httpx.Request(
            method,
            url,
            headers=headers,
            params=request.params or None,
            json=request.json_body,
            content=request.text_body,
        )
        for _ in range(self.settings.max_redirects + 1):
            await self.url_check(str(outgoing.url), self.policy)
            response = await self.client.send(outgoing, stream=True)
            try:
                if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                    await response.aclose()
                    next_url = outgoing.url.join(response.headers["location"])
                    keep_body = response.status_code in (307, 308)
                    method = method if keep_body else ("HEAD" if method == "HEAD" else "GET")
                    if next_url.host != outgoing.url.host or next_url.scheme != outgoing.url.scheme:
                        headers = _without_credentials(headers)
                    outgoing = httpx.Request(
                        method,
                        next_url,
                        headers=headers,
                        content=outgoing.content if keep_body else None,
                    )
                    continue
                total, kept = 0, bytearray()
                async for block in response.aiter_bytes():
                    total += len(block)
                    if len(kept) < MAX_BODY_KEPT_BYTES:
                        kept.extend(block[: MAX_BODY_KEPT_BYTES - len(kept)])
                return response.status_code, response.headers, total, bytes(kept)
            finally:
                await response.aclose()
        return response.status_code, response.headers, 0, b""


def _without_credentials(headers: dict[str, str]) -> dict[str, str]:
    """Headers safe to send to another origin: credentials stay with the first one."""
    private = {"authorization", "cookie", "proxy-authorization"}
    return {name: value for name, value in headers.items() if name.lower() not in private}
