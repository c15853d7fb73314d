"""Function definitions in each API's exact format, valid for strict mode."""

from __future__ import annotations

from typing import Any

from agent_tools import OpenAITools
from agent_tools.surfaces.strict_schema import DROPPED_KEYWORDS


def assert_strict(schema: dict[str, Any], path: str = "$") -> None:
    """Walk a schema and check the strict-mode rules everywhere."""
    assert not DROPPED_KEYWORDS & set(schema), f"{path}: {DROPPED_KEYWORDS & set(schema)}"
    if schema.get("type") == "object" or "properties" in schema:
        assert schema.get("additionalProperties") is False, path
        assert sorted(schema["required"]) == sorted(schema["properties"]), path
    shaped = ("type", "$ref", "anyOf", "enum", "const")
    assert any(key in schema for key in shaped), f"{path}: a value of any shape"
    for name, child in schema.get("properties", {}).items():
        assert_strict(child, f"{path}.{name}")
    for name, child in schema.get("$defs", {}).items():
        assert_strict(child, f"{path}.$defs.{name}")
    for index, child in enumerate(schema.get("anyOf", [])):
        assert_strict(child, f"{path}.anyOf[{index}]")
    if isinstance(schema.get("items"), dict):
        assert_strict(schema["items"], f"{path}.items")


def test_chat_definitions_have_the_chat_shape_and_are_strict(tools: OpenAITools) -> None:
    definitions = tools.definitions("chat")
    for definition in definitions:
        assert set(definition) == {"type", "function"}
        assert definition["type"] == "function"
        function = definition["function"]
        assert set(function) == {"name", "description", "parameters", "strict"}
        assert function["strict"] is True
        assert_strict(function["parameters"], function["name"])


def test_responses_definitions_have_the_flat_shape_and_are_strict(tools: OpenAITools) -> None:
    for definition in tools.definitions("responses"):
        assert set(definition) == {"type", "name", "description", "parameters", "strict"}
        assert_strict(definition["parameters"], definition["name"])


def test_every_tool_and_a_start_function_per_type_are_offered(tools: OpenAITools) -> None:
    names = {definition["name"] for definition in tools.definitions("responses")}
    assert {
        "execute_incrementally",
        "resume",
        "provide_input",
        "get_progress",
        "get_results",
        "pause",
        "cancel",
        "list_operations",
        "describe_operation_types",
        "record_progress",
    } <= names
    assert {"start_count", "start_file_operation", "start_computation"} <= names
    assert "start_agent_task" not in names


def test_the_starting_tool_lists_the_operation_types(tools: OpenAITools) -> None:
    starter = next(
        d for d in tools.definitions("responses") if d["name"] == "execute_incrementally"
    )
    enum = starter["parameters"]["properties"]["operation_type"]["enum"]
    assert "count" in enum and "agent_task" in enum
    assert "- count:" in starter["description"]


def test_without_strict_the_original_schemas_are_given(tools: OpenAITools) -> None:
    loose = {d["name"]: d for d in tools.definitions("responses", strict=False)}
    assert loose["get_progress"]["strict"] is False
    assert "default" in str(loose["get_progress"]["parameters"])
