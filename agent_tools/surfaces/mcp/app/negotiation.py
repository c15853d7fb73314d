"""Whether the client behind a request negotiated MCP Apps (``io.modelcontextprotocol/ui``)."""

from __future__ import annotations

from typing import Any

from mcp.server.apps import client_supports_apps
from mcp.server.context import ServerRequestContext


def app_negotiated(context: ServerRequestContext[Any, Any]) -> bool:
    """True when the client declared the extension with the ``text/html;profile=mcp-app`` type.

    The SDK reads the session's capabilities: those of ``initialize`` on the
    handshake wire, or this request's ``_meta`` envelope on the 2026-07-28 wire.
    """
    return client_supports_apps(context)
