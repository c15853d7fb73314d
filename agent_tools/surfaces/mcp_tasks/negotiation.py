"""Whether the client of one request negotiated the tasks extension, and the refusal if not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError

EXTENSION_ID = "io.modelcontextprotocol/tasks"
CLIENT_CAPABILITIES_META = "io.modelcontextprotocol/clientCapabilities"
MISSING_REQUIRED_CLIENT_CAPABILITY = -32021
"""SEP-2575's error code for a request the server cannot serve without a client capability."""


def client_negotiated(context: ServerRequestContext[Any, Any]) -> bool:
    """True when the session declared the extension, or this request did in its ``_meta``."""
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
