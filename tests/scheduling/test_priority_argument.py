"""The priority argument as MCP and OpenAI clients see it, and where it ends up."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agent_tools import Engine, OpenAITools
from agent_tools.surfaces.schema_export import FORMATS, exported_files
from tests.scheduling import gated_work


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    async with Engine.from_url("memory://", registry=gated_work.registry) as running:
        yield running


def _execute_tool(tools: list[dict[str, Any]], *path: str) -> dict[str, Any]:
    for tool in tools:
        found = tool
        for key in path:
            found = found[key]
        if found.get("name") == "execute_incrementally":
            return found
    raise AssertionError("no execute_incrementally tool")


def test_the_mcp_schema_offers_a_priority_from_0_to_9() -> None:
    tool = _execute_tool(exported_files()[FORMATS["mcp"]])
    priority = tool["inputSchema"]["properties"]["priority"]
    integer = next(option for option in priority["anyOf"] if option["type"] == "integer")
    assert (integer["minimum"], integer["maximum"]) == (0, 9)
    assert "priority" not in tool["inputSchema"].get("required", [])


@pytest.mark.parametrize("api", ["openai-chat", "openai-responses"])
def test_the_openai_schemas_offer_a_priority(api: str) -> None:
    path = ("function",) if api == "openai-chat" else ()
    tool = _execute_tool(exported_files()[FORMATS[api]], *path)
    assert "priority" in tool["parameters"]["properties"]


async def test_an_openai_call_s_priority_is_the_run_s(engine: Engine) -> None:
    output = json.loads(
        await OpenAITools(engine).call(
            "execute_incrementally",
            {
                "operation_type": "labelled",
                "input": {"label": "x"},
                "mode": "background",
                "budget_ms": 0,
                "priority": 6,
            },
        )
    )
    record = await engine.store.get_operation(output["operation_id"])
    assert record is not None and record.priority == 6


async def test_an_openai_call_with_a_priority_out_of_range_is_refused(engine: Engine) -> None:
    output = json.loads(
        await OpenAITools(engine).call(
            "execute_incrementally",
            {"operation_type": "labelled", "input": {"label": "x"}, "priority": 12},
        )
    )
    assert output["error"]["code"] == "invalid_input"
    assert "priority" in output["error"]["message"]
    assert (await engine.list_operations()).operations == []


async def test_describe_operation_types_tells_the_default_priority_and_adaptive_chunks(
    engine: Engine,
) -> None:
    listed = {info.name: info for info in engine.describe_operation_types().operation_types}
    assert listed["urgent"].default_priority == 7
    assert listed["labelled"].default_priority == 0
    assert not listed["labelled"].adaptive_chunk_size
