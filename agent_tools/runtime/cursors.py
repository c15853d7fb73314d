"""Cursors an agent passes back: positions in a result log or in a list of operations."""

from __future__ import annotations

import base64
import binascii
import json

from agent_tools.core.errors import InvalidCursorError


def item_position(cursor: str | None) -> int:
    """The sequence number after which to read; 0 (the beginning) for no cursor."""
    if cursor is None or cursor == "":
        return 0
    if not cursor.isdigit():
        raise InvalidCursorError(cursor)
    return int(cursor)


def item_cursor(seq: int) -> str:
    return str(seq)


def list_cursor(created_at: float, operation_id: str) -> str:
    raw = json.dumps([created_at, operation_id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def list_position(cursor: str | None) -> tuple[float, str] | None:
    """Decode a list cursor made by :func:`list_cursor`."""
    if not cursor:
        return None
    try:
        created_at, operation_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return float(created_at), str(operation_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as bad:
        raise InvalidCursorError(cursor) from bad
