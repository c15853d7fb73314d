"""Who a web request acts for, and the checks a state-changing request must pass.

Three ways in: a bearer token on the request (scripts, curl; the SDK's middleware
verified it), a session cookie from the login form (browsers), or nothing on a
``--no-auth`` loopback server (the local user). A POST that changes an operation
must also carry the page's CSRF token in ``X-CSRF-Token``, come from this origin
(Host and Origin checked as for ``/mcp``) and be JSON, which a cross-site form
cannot send without a preflight this server never grants.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from mcp.server.auth.provider import TokenVerifier
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import Response

from agent_tools.core.errors import AgentToolsError
from agent_tools.core.principals import LOCAL_USER, Principal
from agent_tools.surfaces.auth.verifiers import PrincipalToken
from agent_tools.surfaces.web.sessions import SESSION_COOKIE, SessionTable

CSRF_HEADER = "x-csrf-token"


class LoginRequiredError(AgentToolsError):
    code = "authentication_required"
    hint = (
        "Open /ui/login and paste a token from `agent-tools tokens create`, or send "
        "Authorization: Bearer TOKEN."
    )

    def __init__(self) -> None:
        super().__init__("This page needs you to sign in.")


class CsrfError(AgentToolsError):
    code = "csrf_check_failed"
    hint = "Use the buttons on the /ui page; scripts should send a bearer token instead."

    def __init__(self) -> None:
        super().__init__("This request did not carry the page's CSRF token.")


class ForeignRequestError(AgentToolsError):
    code = "foreign_origin"
    hint = (
        "Open the page at the address the server was started on (or add the name with "
        "--allowed-host); a page of another site cannot drive this server."
    )

    def __init__(self, reason: str) -> None:
        super().__init__(f"Refused: {reason}.")


@dataclass(frozen=True)
class Caller:
    """The principal of a web request, and the CSRF token its page must send (None: bearer)."""

    principal: Principal
    csrf_token: str | None


class WebAccess:
    """Resolves the caller of a web request; ``verifier`` is None on a ``--no-auth`` server."""

    def __init__(self, verifier: TokenVerifier | None, security: TransportSecuritySettings) -> None:
        self.verifier = verifier
        self.sessions = SessionTable()
        self._security = TransportSecurityMiddleware(security)
        self._local_csrf = secrets.token_urlsafe(32)

    @property
    def open(self) -> bool:
        """True on a ``--no-auth`` server: no sign-in."""
        return self.verifier is None

    async def caller(self, request: Request) -> Caller:
        """The caller; ``ForeignRequestError`` from another site, ``LoginRequiredError``."""
        await self.check_origin(request, json_body=False)
        bearer = getattr(request.scope.get("user"), "access_token", None)
        if isinstance(bearer, PrincipalToken):
            return Caller(bearer.principal, None)
        if self.verifier is None:
            return Caller(LOCAL_USER, self._local_csrf)
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        if session is not None:
            accepted = await self.verifier.verify_token(session.token)
            if isinstance(accepted, PrincipalToken):
                return Caller(accepted.principal, session.csrf_token)
            self.sessions.close(request.cookies.get(SESSION_COOKIE))
        raise LoginRequiredError()

    async def check_origin(self, request: Request, *, json_body: bool) -> None:
        """Raise ``ForeignRequestError`` for a foreign Host or Origin, or a POST not in JSON."""
        refusal: Response | None = await self._security.validate_request(request, is_post=json_body)
        if refusal is not None:
            raise ForeignRequestError(bytes(refusal.body).decode().lower())

    def check_csrf(self, request: Request, caller: Caller) -> None:
        """Raise ``CsrfError`` unless a cookie or open-server request sent its page's token."""
        if caller.csrf_token is None:
            return
        sent = request.headers.get(CSRF_HEADER, "")
        if not secrets.compare_digest(sent.encode(), caller.csrf_token.encode()):
            raise CsrfError()
