"""One name per knob across Python, MCP, OpenAI, the command line, settings and schemas/."""

from __future__ import annotations

import argparse
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent_tools import Engine, operation
from agent_tools.core.definitions import OperationOptions, OperationType
from agent_tools.core.records import RunSettings
from agent_tools.runtime.operation_start import RunChoices
from agent_tools.settings import Settings
from agent_tools.surfaces.commands import serve, worker
from agent_tools.surfaces.mcp.tool_listing import catalog_tool
from agent_tools.surfaces.schema_export import builtin_registry
from agent_tools.surfaces.tool_catalog import EXECUTE_INCREMENTALLY

KNOBS = ("timeout_ms", "chunk_timeout_ms", "checkpoint_interval", "chunk_size")
DEPRECATED = ("checkpoint_every_chunks",)
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def _mcp_arguments() -> dict[str, Any]:
    tool = catalog_tool(EXECUTE_INCREMENTALLY, builtin_registry())
    return dict(tool.input_schema["properties"])


def _exported_arguments(relative: str) -> dict[str, Any]:
    """The execute_incrementally parameters in a committed file under schemas/."""
    for tool in json.loads((SCHEMAS / relative).read_text(encoding="utf-8")):
        body = tool.get("function", tool)
        if body["name"] == EXECUTE_INCREMENTALLY.name:
            schema: dict[str, Any] = body.get("inputSchema") or body["parameters"]
            return dict(schema["properties"])
    raise AssertionError(f"no execute_incrementally in {relative}")


def _keywords(function: Any, options: Any) -> set[str]:
    """The keywords ``function`` takes: its parameters and its ``**options`` TypedDict's keys."""
    return set(inspect.signature(function).parameters) | set(options.__annotations__)


def _cli_options(module: Any) -> set[str]:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return {action.dest for action in parser._actions}


NAMED_PLACES: dict[str, Callable[[], Any]] = {
    "Engine.execute_incrementally": lambda: _keywords(Engine.execute_incrementally, RunChoices),
    "@operation": lambda: _keywords(operation, OperationOptions),
    "OperationType": lambda: {field.name for field in OperationType.__dataclass_fields__.values()},
    "RunSettings (stored)": lambda: RunSettings.model_fields,
    "MCP tools/list": _mcp_arguments,
    "schemas/mcp/tools.json": lambda: _exported_arguments("mcp/tools.json"),
    "schemas/openai/chat.json": lambda: _exported_arguments("openai/chat.json"),
    "schemas/openai/responses.json": lambda: _exported_arguments("openai/responses.json"),
}


@pytest.mark.parametrize("place", sorted(NAMED_PLACES))
def test_every_knob_has_the_same_name_in(place: str) -> None:
    names = set(NAMED_PLACES[place]())
    assert set(KNOBS) <= names


@pytest.mark.parametrize("place", ["MCP tools/list", "schemas/openai/chat.json"])
def test_the_agent_reads_timeout_ms_as_the_limit_of_the_whole_operation(place: str) -> None:
    described = NAMED_PLACES[place]()
    assert "whole operation" in described["timeout_ms"]["description"]
    assert "one chunk" in described["chunk_timeout_ms"]["description"]


def test_no_surface_offers_a_deprecated_knob_name() -> None:
    offered = {
        "settings (AGENT_TOOLS_*)": set(Settings.model_fields),
        "agent-tools serve": _cli_options(serve),
        "agent-tools worker": _cli_options(worker),
        "MCP tools/list": set(_mcp_arguments()),
        "Engine.execute_incrementally": _keywords(Engine.execute_incrementally, RunChoices),
    }
    stale = {place: names & set(DEPRECATED) for place, names in offered.items()}
    assert not any(stale.values()), stale
