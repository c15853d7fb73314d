"""Where sealed values sit inside each stored payload, written once for sealing, opening
and re-sealing.

The encryption wrapper seals and opens through these functions and key rotation
re-seals through them, so both agree on which parts of a payload are sealed and
on the field name each is bound to (its associated data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent_tools.core.input_requests import InputRound
from agent_tools.core.records import ProgressRecord
from agent_tools.core.stored_payloads import StoredPayload


@dataclass(frozen=True)
class Change:
    """What happens to each sealed part: ``(value, operation_id, field) -> value``."""

    value: Callable[[Any, str, str], Any]
    """For any JSON value, sealed as ``{"$enc": token}``."""
    text: Callable[[str, str, str], str]
    """For a string field (a progress message, a step label), sealed as ``"$enc:" + token``."""


def progress(change: Change, operation_id: str, record: ProgressRecord) -> ProgressRecord:
    """The progress with its message and step labels (the agent's notes) changed."""
    message = record.message
    return record.model_copy(
        update={
            "message": None if message is None else change.text(message, operation_id, "message"),
            "steps_completed": [
                change.text(label, operation_id, "step") for label in record.steps_completed
            ],
        }
    )


def input_round(change: Change, operation_id: str, round_: InputRound | None) -> Any:
    """The round with each answer's content changed (bound to ``answer:<name>``)."""
    if round_ is None:
        return None
    responses = {
        name: response.model_copy(
            update={"content": change.value(response.content, operation_id, f"answer:{name}")}
        )
        for name, response in round_.responses.items()
    }
    return round_.model_copy(update={"responses": responses})


def event_detail(change: Change, operation_id: str, detail: Any) -> Any:
    """An event's detail changed; an empty detail is kept as it is."""
    return change.value(detail, operation_id, "event") if detail else detail


def record_field(change: Change, operation_id: str, name: str, value: Any) -> Any:
    """One payload field of a record (input, state, result, progress, input_round) changed."""
    if name == "progress":
        return progress(change, operation_id, value)
    if name == "input_round":
        return input_round(change, operation_id, value)
    return change.value(value, operation_id, name)


def stored_payload(change: Change, payload: StoredPayload) -> Any:
    """The value of ``payload`` (as a store lists it) changed."""
    if payload.kind == "record":
        return record_field(change, payload.operation_id, payload.field, payload.value)
    if payload.kind == "event":
        return event_detail(change, payload.operation_id, payload.value)
    return change.value(payload.value, payload.operation_id, "item")
