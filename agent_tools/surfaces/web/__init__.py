"""The operator's web page at ``/ui``: live progress bars, a detail page, pause/resume/cancel.

:func:`web_routes` returns the Starlette routes the HTTP server mounts beside ``/mcp``.
"""

from __future__ import annotations

from mcp.server.auth.provider import TokenVerifier
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route

from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.web.access import WebAccess
from agent_tools.surfaces.web.api import WebApi
from agent_tools.surfaces.web.history import ProgressHistory
from agent_tools.surfaces.web.pages import UI_PATH, Pages, static_file

__all__ = ["UI_PATH", "web_routes"]


def web_routes(
    engine: Engine, verifier: TokenVerifier | None, security: TransportSecuritySettings
) -> list[Route]:
    """The ``/ui`` routes; ``verifier`` None means a ``--no-auth`` loopback server."""
    access = WebAccess(verifier, security)
    api = WebApi(engine, access, ProgressHistory())
    pages = Pages(access, engine.audit_trail)
    operation = f"{UI_PATH}/api/operations/{{operation_id}}"
    return [
        Route(UI_PATH, pages.list_page, methods=["GET"]),
        Route(f"{UI_PATH}/operations/{{operation_id}}", pages.detail_page, methods=["GET"]),
        Route(f"{UI_PATH}/login", pages.login_page, methods=["GET"]),
        Route(f"{UI_PATH}/login", pages.login, methods=["POST"]),
        Route(f"{UI_PATH}/logout", pages.logout, methods=["POST"]),
        Route(f"{UI_PATH}/static/{{name}}", static_file, methods=["GET"]),
        Route(f"{UI_PATH}/api/session", api.answering(api.session), methods=["GET"]),
        Route(f"{UI_PATH}/api/operations", api.answering(api.operations), methods=["GET"]),
        Route(f"{UI_PATH}/api/stream", api.answering(api.list_events), methods=["GET"]),
        Route(operation, api.answering(api.operation), methods=["GET"]),
        Route(f"{operation}/results", api.answering(api.results), methods=["GET"]),
        Route(f"{operation}/stream", api.answering(api.operation_events), methods=["GET"]),
        Route(
            f"{operation}/{{action}}", api.answering(api.control, changes=True), methods=["POST"]
        ),
    ]
