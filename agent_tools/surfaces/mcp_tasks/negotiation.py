"""What a task request must carry: the negotiated extension and its routing header."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp.shared.inbound import MCP_NAME_HEADER, decode_header_value
from mcp_types import HEADER_MISMATCH
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

EXTENSION_ID = "io.modelcontextprotocol/tasks"
CLIENT_CAPABILITIES_META = "io.modelcontextprotocol/clientCapabilities"
MISSING_REQUIRED_CLIENT_CAPABILITY = -32021
"""SEP-2575's error code for a request the server cannot serve without a client capability."""


def client_negotiated(context: ServerRequestContext[Any, Any]) -> bool:
    """True when the session declared the extension, or this request did in its ``_meta``.

    Only on the 2026-07-28 wire: older protocol revisions have no ``resultType``
    to carry a ``CreateTaskResult``.
    """
    if context.protocol_version not in MODERN_PROTOCOL_VERSIONS:
        return False
    capabilities = context.session.client_capabilities
    if capabilities is not None and EXTENSION_ID in (capabilities.extensions or {}):
        return True
    meta = (context.params or {}).get("_meta")
    if not isinstance(meta, Mapping):
        return False
    declared = meta.get(CLIENT_CAPABILITIES_META)
    if not isinstance(declared, Mapping):
        return False
    extensions = declared.get("extensions")
    return isinstance(extensions, Mapping) and EXTENSION_ID in extensions


def missing_capability(what: str) -> MCPError:
    """The ``-32021`` refusal, naming the extension the client has to declare."""
    return MCPError(
        code=MISSING_REQUIRED_CLIENT_CAPABILITY,
        message=f"{what} needs the {EXTENSION_ID} extension; declare it in the client "
        "capabilities (or in this request's _meta).",
        data={"requiredCapabilities": {"extensions": {EXTENSION_ID: {}}}},
    )


def check_routing_header(context: ServerRequestContext[Any, Any], task_id: str) -> None:
    """On the 2026-07-28 HTTP wire, ``Mcp-Name`` must name the task (SEP-2663 routing headers).

    The SDK checks ``Mcp-Name`` for the spec's own methods only; the task methods
    are the extension's to check.
    """
    request = context.request
    headers = getattr(request, "headers", None)
    if context.protocol_version not in MODERN_PROTOCOL_VERSIONS or headers is None:
        return
    if decode_header_value(headers.get(MCP_NAME_HEADER)) != task_id:
        raise MCPError(
            code=HEADER_MISMATCH,
            message=f"{MCP_NAME_HEADER} header does not match the request body's taskId.",
            data={"taskId": task_id},
        )
