"""JSON Schemas made valid for OpenAI strict mode (structured outputs for function calls).

Strict mode wants every object closed (``additionalProperties: false``) with
every property required; an optional property becomes a union with null. It
rejects keywords such as ``default`` and open objects. A value of any shape
(``JsonValue``) cannot be strict, so it travels as a JSON-encoded string, named
in ``json_string_fields`` so the dispatcher can decode it.
"""

from __future__ import annotations

import copy
from typing import Any

DROPPED_KEYWORDS = frozenset(
    {
        "default",
        "title",
        "examples",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "propertyNames",
    }
)
"""Constraints strict mode refuses or ignores; the server validates them on arrival."""

JSON_STRING_NOTE = " Pass it as a JSON-encoded string."


class StrictSchema:
    """A strict-mode copy of a schema, and which top-level fields travel as JSON strings."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.json_string_fields: set[str] = set()
        source = copy.deepcopy(schema)
        definitions = source.pop("$defs", {})
        self._definitions: dict[str, Any] = definitions
        self.schema = self._object(source, top_level=True)
        if definitions:
            self.schema["$defs"] = {
                name: self._node(definition) for name, definition in definitions.items()
            }

    def _object(self, node: dict[str, Any], *, top_level: bool = False) -> dict[str, Any]:
        properties = node.get("properties", {})
        required = set(node.get("required", []))
        converted: dict[str, Any] = {}
        for name, field in properties.items():
            strict_field = self._node(field)
            if top_level and self._travels_as_json(field):
                self.json_string_fields.add(name)
            if name not in required and not _accepts_null(strict_field):
                strict_field = _nullable(strict_field)
            converted[name] = strict_field
        result = {key: value for key, value in node.items() if key not in DROPPED_KEYWORDS}
        result.update(
            type="object",
            properties=converted,
            required=list(converted),
            additionalProperties=False,
        )
        return result

    def _travels_as_json(self, field: dict[str, Any]) -> bool:
        """Whether a field (through a $ref or a nullable union) ends up a JSON string."""
        reference = field.get("$ref")
        if isinstance(reference, str):
            return self._travels_as_json(self._definitions.get(reference.split("/")[-1], {}))
        options = [option for option in field.get("anyOf", []) if option.get("type") != "null"]
        if options:
            return any(self._travels_as_json(option) for option in options)
        return _opaque(field)

    def _node(self, node: dict[str, Any]) -> dict[str, Any]:
        if _opaque(node):
            return _json_string(node)
        if "properties" in node:
            return self._object(node)
        result = {key: value for key, value in node.items() if key not in DROPPED_KEYWORDS}
        for union in ("anyOf", "oneOf"):
            if union in result:
                result["anyOf"] = [self._node(option) for option in result.pop(union)]
        if "allOf" in result and len(result["allOf"]) == 1:
            result.update(self._node(result.pop("allOf")[0]))
        if "items" in result and isinstance(result["items"], dict):
            result["items"] = self._node(result["items"])
        return result


def _opaque(node: dict[str, Any]) -> bool:
    """A value strict mode cannot describe: any shape at all, or an object with open keys."""
    shaped = ("type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const")
    if not any(key in node for key in shaped):
        return True
    return node.get("type") == "object" and "properties" not in node


def _accepts_null(node: dict[str, Any]) -> bool:
    kind = node.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(option.get("type") == "null" for option in node.get("anyOf", []))


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in node:
        return {**node, "anyOf": [*node["anyOf"], {"type": "null"}]}
    if isinstance(node.get("type"), str) and "$ref" not in node:
        return {**node, "type": [node["type"], "null"]}
    description = node.get("description")
    option = {key: value for key, value in node.items() if key != "description"}
    nullable: dict[str, Any] = {"anyOf": [option, {"type": "null"}]}
    if description:
        nullable["description"] = description
    return nullable


def _json_string(node: dict[str, Any]) -> dict[str, Any]:
    description = (node.get("description") or "Any JSON value.") + JSON_STRING_NOTE
    return {"type": "string", "description": description}
