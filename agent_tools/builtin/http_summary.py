"""Small summaries of HTTP responses: a body excerpt or a few JSON fields, never whole bodies."""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

MAX_FIELD_CHARS = 1000
"""A selected JSON field longer than this (as JSON) is cut to an excerpt."""


def select_field(document: Any, dotted_path: str) -> Any:
    """The value at ``a.b.0.c`` in a JSON document, or None when absent."""
    current = document
    for part in dotted_path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif (
            isinstance(current, list)
            and part.lstrip("-").isdigit()
            and -len(current) <= int(part) < len(current)
        ):
            current = current[int(part)]
        else:
            return None
    text = json.dumps(current)
    return current if len(text) <= MAX_FIELD_CHARS else text[:MAX_FIELD_CHARS] + "..."


def body_summary(body: bytes, select_fields: list[str], excerpt_chars: int) -> dict[str, Any]:
    """``{"fields": ...}`` from a JSON body when fields are asked for, else ``{"excerpt": ...}``."""
    if select_fields:
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if document is not None:
            return {"fields": {path: select_field(document, path) for path in select_fields}}
    text = body[: excerpt_chars * 4].decode("utf-8", "replace")[:excerpt_chars]
    return {"excerpt": text}


def retry_after_s(header: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
