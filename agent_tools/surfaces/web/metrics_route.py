"""``/metrics`` on the HTTP server: the Prometheus text format, behind the tools' bearer auth."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agent_tools.core.principals import authorize
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.auth.verifiers import PrincipalToken
from agent_tools.surfaces.web.access import LoginRequiredError
from agent_tools.surfaces.web.responses import json_error
from agent_tools.telemetry.setup import Telemetry

METRICS_PATH = "/metrics"
READ_ACTION = "list_operations"
"""A scraper needs what a reader may do; the metrics name no operation."""


def metrics_route(engine: Engine, telemetry: Telemetry, *, open_server: bool) -> Route:
    """The scrape endpoint; ``open_server`` (``--no-auth``) serves it without a token."""

    async def scrape(request: Request) -> Response:
        if not open_server:
            token = getattr(request.scope.get("user"), "access_token", None)
            if not isinstance(token, PrincipalToken):
                return json_error(LoginRequiredError())
            authorize(token.principal, READ_ACTION)
        body = await telemetry.render_metrics(engine.store)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return Route(METRICS_PATH, scrape, methods=["GET"])
