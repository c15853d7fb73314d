"""Who an MCP request acts for, and the role check every handler passes through.

stdio has one client, the local user. Over HTTP the SDK's bearer middleware has
put the verified token on the request; a server started with ``--no-auth`` marks
its requests instead, so a request carrying neither is refused (fail closed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_REQUEST, CallToolRequestParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from agent_tools.core.errors import AgentToolsError
from agent_tools.core.principals import LOCAL_USER, Principal, acting_as, authorize
from agent_tools.surfaces.auth.verifiers import PrincipalToken
from agent_tools.surfaces.mcp.results import error_result

NO_AUTH_SCOPE_KEY = "agent_tools.no_auth"

Params = TypeVar("Params")
Result = TypeVar("Result")
Context = ServerRequestContext[Any, Any]


class AuthenticationRequiredError(AgentToolsError):
    code = "authentication_required"
    hint = "Send an Authorization: Bearer token the server accepts."

    def __init__(self) -> None:
        super().__init__("This request carries no verified credentials.")


def principal_of(context: Context) -> Principal:
    """The principal of the request behind ``context``."""
    request = context.request
    if request is None:
        return LOCAL_USER
    return principal_of_scope(getattr(request, "scope", {}))


def principal_of_scope(scope: Scope) -> Principal:
    """The principal of an HTTP request's ASGI scope; raises when it carries no credentials."""
    token = getattr(scope.get("user"), "access_token", None)
    if isinstance(token, PrincipalToken):
        return token.principal
    if scope.get(NO_AUTH_SCOPE_KEY):
        return LOCAL_USER
    raise AuthenticationRequiredError()


class RequirePrincipal:
    """Guard an HTTP route beside ``/mcp`` (``/ui``, ``/metrics``) like ``/mcp`` is guarded.

    Wrap the route's ASGI app: ``Route("/metrics", RequirePrincipal(metrics_app))``.

    Without verified credentials the answer is 401 with ``WWW-Authenticate``; with them
    the route runs acting as the request's principal, so the engine's ownership rules
    apply to what it shows.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            principal = principal_of_scope(scope)
        except AuthenticationRequiredError as refusal:
            response = JSONResponse(
                {"error": "invalid_token", "error_description": refusal.message},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
            await response(scope, receive, send)
            return
        with acting_as(principal):
            await self.app(scope, receive, send)


def guard_tool_calls(
    handler: Callable[[Context, CallToolRequestParams], Awaitable[Any]],
) -> Callable[[Context, CallToolRequestParams], Awaitable[Any]]:
    """``tools/call`` that first checks the caller's role; a refusal is a tool error."""

    async def guarded(context: Context, params: CallToolRequestParams) -> Any:
        try:
            principal = principal_of(context)
            authorize(principal, params.name)
        except AgentToolsError as refusal:
            return error_result(refusal)
        with acting_as(principal):
            return await handler(context, params)

    return guarded


def guard_method(
    method: str, handler: Callable[[Context, Params], Awaitable[Result]]
) -> Callable[[Context, Params], Awaitable[Result]]:
    """A request handler that first checks the caller's role; a refusal is a JSON-RPC error."""

    async def guarded(context: Context, params: Params) -> Result:
        try:
            principal = principal_of(context)
            authorize(principal, method)
        except AgentToolsError as refusal:
            raise MCPError(
                code=INVALID_REQUEST, message=str(refusal), data=refusal.as_dict()
            ) from refusal
        with acting_as(principal):
            return await handler(context, params)

    return guarded


def mark_unauthenticated(app: ASGIApp) -> ASGIApp:
    """Wrap the app of a ``--no-auth`` server so its requests act for the local user."""

    async def marked(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, NO_AUTH_SCOPE_KEY: True}
        await app(scope, receive, send)

    return marked
