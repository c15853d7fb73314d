"""Every HTTP request answered 401, as an access of ``anonymous`` in the audit log.

The SDK's bearer middleware refuses ``/mcp`` requests before any handler runs,
and the web page and ``/metrics`` answer 401 on their own: watching the status
of every response at the outside of the app records them all, in one place.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_tools.runtime.audit_trail import ANONYMOUS, UNAUTHENTICATED, AuditTrail

REFUSED_STATUS = 401
MAX_PATH_CHARS = 200
ACTION = "http.request"


def audit_unauthenticated(app: ASGIApp, trail: AuditTrail) -> ASGIApp:
    """``app``, with each 401 answer recorded as ``http.request`` / ``unauthenticated``.

    The entry names the method and path (cut to ``MAX_PATH_CHARS``), never a header,
    a query string or a body.
    """

    async def audited(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        refused = False

        async def watched(message: Message) -> None:
            nonlocal refused
            if message["type"] == "http.response.start":
                refused = message["status"] == REFUSED_STATUS
            await send(message)

        await app(scope, receive, watched)
        if refused:
            await trail.record(
                ANONYMOUS,
                ACTION,
                UNAUTHENTICATED,
                detail={"method": scope["method"], "path": scope["path"][:MAX_PATH_CHARS]},
            )

    return audited
