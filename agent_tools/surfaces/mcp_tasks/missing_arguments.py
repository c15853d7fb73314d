"""Ask the user for a type tool's missing required arguments (SEP-2322 multi round-trip).

A client that can elicit gets an ``InputRequiredResult`` with one form asking
for the missing fields instead of an argument error; its retry carries the
answers, which fill the arguments before the tool runs (or its task starts).
Only top-level fields of primitive type can be asked for this way, as forms allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp_types import ElicitRequest, ElicitRequestFormParams, InputRequiredResult
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from agent_tools.core.definitions import OperationType

REQUEST_KEY = "missing_arguments"
FORM_TYPES = frozenset({"string", "number", "integer", "boolean"})


def filled_arguments(
    definition: OperationType, arguments: Mapping[str, Any], responses: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The arguments with the answered form's fields added (only fields the type has)."""
    filled = dict(arguments)
    answer = (responses or {}).get(REQUEST_KEY)
    content = _accepted_content(answer)
    fields = definition.input_schema().get("properties", {})
    filled.update({name: value for name, value in content.items() if name in fields})
    return filled


def question_for(
    context: ServerRequestContext[Any, Any],
    definition: OperationType,
    arguments: Mapping[str, Any],
) -> InputRequiredResult | None:
    """The form asking for the missing required fields, or None when nothing can be asked."""
    if not _client_can_elicit(context):
        return None
    schema = definition.input_schema()
    properties: dict[str, Any] = schema.get("properties", {})
    missing = [name for name in schema.get("required", []) if name not in arguments]
    if not missing or any(properties[name].get("type") not in FORM_TYPES for name in missing):
        return None
    requested = {
        "type": "object",
        "properties": {name: _form_field(properties[name]) for name in missing},
        "required": missing,
    }
    form = ElicitRequestFormParams(
        message=f"{definition.name} needs: {', '.join(missing)}.", requested_schema=requested
    )
    return InputRequiredResult(input_requests={REQUEST_KEY: ElicitRequest(params=form)})


def _client_can_elicit(context: ServerRequestContext[Any, Any]) -> bool:
    capabilities = context.session.client_capabilities
    return (
        context.protocol_version in MODERN_PROTOCOL_VERSIONS
        and capabilities is not None
        and capabilities.elicitation is not None
    )


def _form_field(property_schema: Mapping[str, Any]) -> dict[str, Any]:
    kept = ("type", "title", "description", "default", "enum", "minimum", "maximum")
    return {key: property_schema[key] for key in kept if key in property_schema}


def _accepted_content(answer: Any) -> dict[str, Any]:
    if answer is None:
        return {}
    dumped = answer.model_dump() if hasattr(answer, "model_dump") else answer
    if not isinstance(dumped, Mapping) or dumped.get("action") != "accept":
        return {}
    content = dumped.get("content")
    return dict(content) if isinstance(content, Mapping) else {}
