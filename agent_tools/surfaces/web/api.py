"""The JSON and event-stream endpoints the page's scripts call, under ``/ui/api``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agent_tools.core.errors import AgentToolsError, InvalidInputError
from agent_tools.core.principals import acting_as, authorize
from agent_tools.core.views import OperationView
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.web.access import Caller, WebAccess
from agent_tools.surfaces.web.history import ProgressHistory
from agent_tools.surfaces.web.listing import list_rows
from agent_tools.surfaces.web.responses import json_error, json_model
from agent_tools.surfaces.web.streams import PING_S, detail_stream, list_stream

RESULTS_PAGE = 20
RESULTS_PAGE_MAX = 200
CONTROL_ACTIONS = ("pause", "resume", "cancel")
CANCEL_REASON = "cancelled from the web page"

Endpoint = Callable[[Request], Awaitable[Response]]
CallerEndpoint = Callable[[Request, Caller], Awaitable[Response]]


class WebApi:
    """Reads and steers operations through the engine, for the signed-in caller."""

    def __init__(self, engine: Engine, access: WebAccess, history: ProgressHistory) -> None:
        self._engine = engine
        self._access = access
        self._history = history

    def answering(self, endpoint: CallerEndpoint, *, changes: bool = False) -> Endpoint:
        """``endpoint`` for the request's caller, as one access ``web.<endpoint>``.

        A request without credentials is answered 401 before the access opens (the
        HTTP app records those); ``changes`` marks an endpoint that steers operations.
        Every refusal becomes ``{"error": ...}`` with a fitting HTTP status.
        """
        action = f"web.{endpoint.__name__}"

        async def answered(request: Request) -> Response:
            try:
                caller = await self._access.caller(request)
                async with self._engine.audit_trail.access(
                    caller.principal.name,
                    action,
                    operation_id=request.path_params.get("operation_id"),
                    changes=changes,
                ) as audited:
                    if "action" in request.path_params:
                        audited.detail["action"] = str(request.path_params["action"])[:40]
                    return await endpoint(request, caller)
            except AgentToolsError as error:
                return json_error(error)

        return answered

    async def session(self, request: Request, caller: Caller) -> Response:
        """Who is signed in, their role, and the CSRF token the page sends with each POST."""
        return JSONResponse(
            {
                "principal": caller.principal.name,
                "role": caller.principal.role.value,
                "csrf_token": caller.csrf_token,
                "open": self._access.open,
            },
            headers={"Cache-Control": "no-store"},
        )

    async def operations(self, request: Request, caller: Caller) -> Response:
        authorize(caller.principal, "list_operations")
        query = request.query_params
        with acting_as(caller.principal):
            rows, views = await list_rows(
                self._engine,
                status=query.get("status"),
                operation_type=query.get("type"),
                cursor=query.get("cursor"),
            )
        for view in views:
            self._history.record(view)
        return json_model(rows)

    async def operation(self, request: Request, caller: Caller) -> Response:
        authorize(caller.principal, "get_progress")
        operation_id = request.path_params["operation_id"]
        with acting_as(caller.principal):
            detail = await self._engine.inspect(operation_id)
        self._history.record(detail.view)
        return json_model(detail)

    async def results(self, request: Request, caller: Caller) -> Response:
        authorize(caller.principal, "get_results")
        limit = _page_size(request.query_params.get("limit"))
        with acting_as(caller.principal):
            view = await self._engine.get_results(
                request.path_params["operation_id"],
                cursor=request.query_params.get("cursor") or None,
                limit=limit,
            )
        return json_model(view)

    async def list_events(self, request: Request, caller: Caller) -> Response:
        authorize(caller.principal, "list_operations")
        stream = list_stream(
            self._engine,
            self._history,
            caller.principal,
            status=request.query_params.get("status"),
            operation_type=request.query_params.get("type"),
        )
        return EventSourceResponse(stream, ping=PING_S, headers={"Cache-Control": "no-store"})

    async def operation_events(self, request: Request, caller: Caller) -> Response:
        authorize(caller.principal, "get_progress")
        operation_id = request.path_params["operation_id"]
        with acting_as(caller.principal):
            await self._engine.get_progress(operation_id)  # an unknown id is a 404, not a stream
        stream = detail_stream(self._engine, self._history, caller.principal, operation_id)
        return EventSourceResponse(stream, ping=PING_S, headers={"Cache-Control": "no-store"})

    async def control(self, request: Request, caller: Caller) -> Response:
        """POST pause, resume or cancel: same origin, JSON, with the page's CSRF token."""
        action = request.path_params["action"]
        if action not in CONTROL_ACTIONS:
            raise InvalidInputError(
                f"Unknown action {action!r}.", f"Use one of: {', '.join(CONTROL_ACTIONS)}."
            )
        await self._access.check_origin(request, json_body=True)
        authorize(caller.principal, action)
        self._access.check_csrf(request, caller)
        with acting_as(caller.principal):
            view = await self._steer(action, request.path_params["operation_id"])
        return json_model(view)

    async def _steer(self, action: str, operation_id: str) -> OperationView:
        if action == "pause":
            return await self._engine.pause(operation_id)
        if action == "cancel":
            return await self._engine.cancel(operation_id, reason=CANCEL_REASON)
        # An inline operation runs in this server for one budget; a background one goes
        # back to whoever serves background work.
        return await self._engine.resume(operation_id)


def _page_size(raw: str | None) -> int:
    if raw is None or raw == "":
        return RESULTS_PAGE
    try:
        size = int(raw)
    except ValueError:
        raise InvalidInputError(
            f"limit must be a whole number, got {raw!r}.", "Omit limit for 20 items a page."
        ) from None
    if not 1 <= size <= RESULTS_PAGE_MAX:
        raise InvalidInputError(
            f"limit must be between 1 and {RESULTS_PAGE_MAX}.", "Omit limit for 20 a page."
        )
    return size
