"""What one principal may put into the store: live operations, and the size of what is kept.

Sizes are counted as compact UTF-8 JSON, the form the stores keep. A refusal is a
``limit_exceeded`` error raised before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent_tools.core.errors import AgentToolsError
from agent_tools.core.json_text import compact_unicode

LIMITS_HINT = "The server's operator sets these limits (AGENT_TOOLS_LIMIT_*)."


class LimitExceededError(AgentToolsError):
    code = "limit_exceeded"

    def __init__(self, what: str, size: int, limit: int, hint: str) -> None:
        super().__init__(
            f"{what} is {size:,}, over the limit of {limit:,}.",
            f"{hint} {LIMITS_HINT}",
            what=what,
            size=size,
            limit=limit,
        )


@dataclass(frozen=True)
class Limits:
    """Limits per principal; admins (and the local user) are exempt from ``live_operations``."""

    live_operations: int = 1000
    input_bytes: int = 1024 * 1024
    state_bytes: int = 16 * 1024 * 1024
    item_bytes: int = 1024 * 1024
    items_per_chunk: int = 10_000


def json_size(value: Any) -> int:
    """The bytes ``value`` takes as compact UTF-8 JSON."""
    text = compact_unicode(value)
    return len(text.encode("utf-8", "surrogatepass"))


def check_size(what: str, value: Any, limit: int, hint: str) -> None:
    """Raise ``LimitExceededError`` if ``value`` is larger than ``limit`` bytes."""
    size = json_size(value)
    if size > limit:
        raise LimitExceededError(f"{what} (bytes)", size, limit, hint)


def chunk_refusal(limits: Limits, state: Any, items: list[Any]) -> LimitExceededError | None:
    """Why a chunk's output may not be committed, or None when it fits."""
    if len(items) > limits.items_per_chunk:
        return LimitExceededError(
            "The items of one chunk",
            len(items),
            limits.items_per_chunk,
            "Emit fewer items per chunk (a smaller chunk_size).",
        )
    try:
        for item in items:
            check_size("A result item", item, limits.item_bytes, "Emit smaller result items.")
        check_size("The state", state, limits.state_bytes, "Keep less in the state between chunks.")
    except LimitExceededError as refusal:
        return refusal
    return None
