"""The operation app as a ``ui://`` resource: its HTML, MIME type and declared CSP."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from mcp.server.apps import APP_MIME_TYPE, ResourceCsp
from mcp_types import ReadResourceResult, Resource, TextResourceContents

APP_URI = "ui://agent-tools/operation.html"
HTML_FILE = "operation.html"

APP_CSP = ResourceCsp(connect_domains=[], resource_domains=[], frame_domains=[])
"""No origin at all: the HTML is self-contained and talks only to its host, by postMessage."""


@cache
def app_html() -> str:
    """The built app (``scripts/build-app`` writes it; it ships as package data)."""
    return files(__package__).joinpath(HTML_FILE).read_text(encoding="utf-8")


def ui_meta() -> dict[str, object]:
    """``_meta.ui`` of the resource: the strict CSP and a host-drawn border."""
    return {
        "ui": {"csp": APP_CSP.model_dump(by_alias=True, exclude_none=True), "prefersBorder": True}
    }


def app_resource() -> Resource:
    """The ``resources/list`` entry for clients that negotiated Apps."""
    return Resource(
        uri=APP_URI,
        name="operation-app",
        title="Operation progress",
        description="Live progress of an agent-tools operation, with pause, resume, cancel "
        "and answers to its questions.",
        mime_type=APP_MIME_TYPE,
        meta=ui_meta(),
    )


def read_app() -> ReadResourceResult:
    """The ``resources/read`` answer: the HTML with the CSP on the content item."""
    return ReadResourceResult(
        contents=[
            TextResourceContents(
                uri=APP_URI, mime_type=APP_MIME_TYPE, text=app_html(), meta=ui_meta()
            )
        ]
    )
