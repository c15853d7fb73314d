"""Who an MCP request acts for, and the role check every handler passes through.

stdio has one client, the local user. Over HTTP the SDK's bearer middleware has
put the verified token on the request; a server started with ``--no-auth`` marks
its requests instead, so a request carrying neither is refused (fail closed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, CallToolRequestParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from agent_tools.core.audit import DetailValue
from agent_tools.core.errors import AgentToolsError
from agent_tools.core.principals import LOCAL_USER, Principal, acting_as, authorize
from agent_tools.runtime.audit_trail import ANONYMOUS, Access, AuditTrail, changes_something
from agent_tools.surfaces.auth.verifiers import PrincipalToken
from agent_tools.surfaces.mcp.resources import parse_operation_uri
from agent_tools.surfaces.mcp.results import error_result

NO_AUTH_SCOPE_KEY = "agent_tools.no_auth"
SURFACE: dict[str, DetailValue] = {"surface": "mcp"}
"""The detail of a tool call's entry: which surface it came through."""
JSONRPC_OUTCOMES = {
    INVALID_PARAMS: "invalid_params",
    INVALID_REQUEST: "invalid_request",
    METHOD_NOT_FOUND: "method_not_found",
}
"""The outcome recorded for a JSON-RPC error that carries none of our codes."""

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
    trail: AuditTrail,
    handler: Callable[[Context, CallToolRequestParams], Awaitable[Any]],
) -> Callable[[Context, CallToolRequestParams], Awaitable[Any]]:
    """``tools/call`` that first checks the caller's role; a refusal is a tool error.

    Each call is one access in ``trail`` (``tool.<name>``); the catalog's
    ``run_tool`` fills in its operation and outcome.
    """

    async def guarded(context: Context, params: CallToolRequestParams) -> Any:
        try:
            async with _serving(trail, context, params, params.name, "tool.", SURFACE):
                return await handler(context, params)
        except AgentToolsError as refusal:
            return error_result(refusal)

    return guarded


def guard_method(
    trail: AuditTrail, method: str, handler: Callable[[Context, Params], Awaitable[Result]]
) -> Callable[[Context, Params], Awaitable[Result]]:
    """A request handler that first checks the caller's role; a refusal is a JSON-RPC error.

    Each request is one access in ``trail`` (``mcp.<method>``) with the operation its
    parameters name and the code it was refused with.
    """

    async def guarded(context: Context, params: Params) -> Result:
        try:
            async with _serving(trail, context, params, method, "mcp."):
                return await handler(context, params)
        except AgentToolsError as refusal:
            raise MCPError(
                code=INVALID_REQUEST, message=str(refusal), data=refusal.as_dict()
            ) from refusal

    return guarded


@asynccontextmanager
async def _serving(
    trail: AuditTrail,
    context: Context,
    params: Any,
    name: str,
    prefix: str,
    detail: dict[str, DetailValue] | None = None,
) -> AsyncIterator[Access]:
    """Request ``name`` as an access ``<prefix><name>`` in ``trail``, once its role is checked."""
    try:
        principal: Principal | None = principal_of(context)
    except AuthenticationRequiredError:
        principal = None
    who = ANONYMOUS if principal is None else principal.name
    async with trail.access(
        who,
        prefix + name,
        operation_id=named_operation(params),
        changes=changes_something(name),
        detail=detail,
    ) as access:
        if principal is None:
            raise AuthenticationRequiredError()
        authorize(principal, name)
        with acting_as(principal):
            try:
                yield access
            except MCPError as error:
                access.outcome = jsonrpc_outcome(error)
                raise


def named_operation(params: Any) -> str | None:
    """The operation a request names: a task's id, a resource URI's (also the one URI of a
    listen stream), or an ``operation_id`` argument (run_tool names it again once valid)."""
    task_id = getattr(params, "task_id", None)
    if isinstance(task_id, str):
        return task_id
    uri = getattr(params, "uri", None)
    if uri is not None:
        return parse_operation_uri(str(uri))
    subscribed = getattr(getattr(params, "notifications", None), "resource_subscriptions", None)
    if isinstance(subscribed, list) and len(subscribed) == 1:
        return parse_operation_uri(str(subscribed[0]))
    arguments = getattr(params, "arguments", None)
    if isinstance(arguments, dict) and isinstance(arguments.get("operation_id"), str):
        return str(arguments["operation_id"])
    return None


def jsonrpc_outcome(error: MCPError) -> str:
    """How a request answered with a JSON-RPC error ended: our code when it carries one."""
    data = error.data
    if isinstance(data, dict) and isinstance(data.get("code"), str):
        return str(data["code"])
    return JSONRPC_OUTCOMES.get(error.code, f"jsonrpc_{error.code}")


def mark_unauthenticated(app: ASGIApp) -> ASGIApp:
    """Wrap the app of a ``--no-auth`` server so its requests act for the local user."""

    async def marked(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, NO_AUTH_SCOPE_KEY: True}
        await app(scope, receive, send)

    return marked
