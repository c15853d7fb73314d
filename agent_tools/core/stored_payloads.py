"""A payload exactly as a store holds it, for key rotation to re-seal by compare-and-set."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

PayloadKind = Literal["record", "item", "event"]
PAYLOAD_KINDS: tuple[PayloadKind, ...] = ("record", "item", "event")

RECORD_PAYLOADS = ("input", "state", "result", "progress", "input_round")
"""The record's fields that can hold sealed values; a record payload's position is its
index here plus one."""


class StoredPayload(BaseModel):
    """One stored payload: where it is, its value, and the exact text the store holds."""

    operation_id: str
    kind: PayloadKind
    position: int
    """Record: 1-based index into :data:`RECORD_PAYLOADS`; item: its seq; event: its
    place in the store's log (ascending, stable)."""
    value: Any
    """The stored value decoded (a record field as the record holds it, an item's output,
    an event's detail), still sealed."""
    stored: str
    """The stored text, compared by :meth:`Store.replace_payload` before it writes."""

    @property
    def field(self) -> str:
        """The record field, ``item`` or ``event``."""
        if self.kind == "record":
            return RECORD_PAYLOADS[self.position - 1]
        return self.kind
