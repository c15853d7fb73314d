"""The typed tool catalog: one spec per tool, shared argument fields, one way to an outcome."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client
from pydantic import Field

from agent_tools import Engine, OpenAITools, OperationRegistry, OperationStatus
from agent_tools.core.views import OperationView
from agent_tools.surfaces.mcp.server import build_server
from agent_tools.surfaces.tool_arguments import OperationId, PositiveCount, ToolArguments
from agent_tools.surfaces.tool_catalog import (
    EXECUTE_INCREMENTALLY,
    TOOLS,
    ToolCall,
    ToolSpec,
    catalog_schema,
)
from agent_tools.surfaces.tool_outcome import ToolFailure, ToolSuccess, run_tool
from tests.engine import ops
from tests.mcp.conftest import tool_error


class PeekArguments(ToolArguments):
    """A tool written as a new tool is written: one model and one engine call."""

    operation_id: OperationId
    limit: PositiveCount = Field(default=None, description="Most items to return.")


received: list[PeekArguments] = []


async def _peek(call: ToolCall[PeekArguments]) -> OperationView:
    received.append(call.arguments)
    return await call.engine.get_results(call.arguments.operation_id, limit=call.arguments.limit)


async def _explode(call: ToolCall[PeekArguments]) -> OperationView:
    raise RuntimeError("secret detail of the server")


PEEK = ToolSpec("peek", "The first result items.", PeekArguments, OperationView, _peek)
EXPLODE = ToolSpec("explode", "Always fails.", PeekArguments, OperationView, _explode)
EXTRA_TOOLS = (*TOOLS, PEEK, EXPLODE)
STARTING = EXECUTE_INCREMENTALLY.name


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    registry = OperationRegistry()
    registry.register(ops.count)
    async with Engine.from_url("memory://", registry=registry) as running:
        yield running


async def _finished_count(engine: Engine, total: int) -> str:
    view = await engine.execute_incrementally("count", {"total": total}, budget_ms=5000)
    assert view.status is OperationStatus.COMPLETED
    return view.operation_id


async def test_the_handler_receives_its_own_validated_arguments_model(engine: Engine) -> None:
    operation_id = await _finished_count(engine, 3)
    outcome = await run_tool(PEEK, engine, {"operation_id": operation_id, "limit": 2})
    assert isinstance(outcome, ToolSuccess)
    assert [item.seq for item in outcome.result.items] == [1, 2]
    assert type(received[-1]) is PeekArguments and received[-1].limit == 2


async def test_bad_arguments_are_refused_before_the_handler_runs(engine: Engine) -> None:
    calls_before = len(received)
    outcome = await run_tool(PEEK, engine, {"operation_id": "x", "limit": 0, "extra": 1})
    assert isinstance(outcome, ToolFailure)
    assert outcome.body["code"] == "invalid_input"
    assert "limit" in outcome.body["message"] and "extra" in outcome.body["message"]
    assert len(received) == calls_before


async def test_a_new_argument_reaches_both_surfaces_from_its_model_and_call(
    engine: Engine,
) -> None:
    operation_id = await _finished_count(engine, 3)
    openai = OpenAITools(engine, tools=EXTRA_TOOLS)
    function = next(
        tool for tool in openai.definitions("chat") if tool["function"]["name"] == "peek"
    )
    assert "limit" in function["function"]["parameters"]["properties"]
    peeked = json.loads(await openai.call("peek", {"operation_id": operation_id, "limit": 1}))
    assert [item["seq"] for item in peeked["items"]] == [1]
    async with Client(build_server(engine, EXTRA_TOOLS)) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert listed["peek"].input_schema["properties"]["limit"]["description"]
        result = await client.call_tool("peek", {"operation_id": operation_id, "limit": 2})
    assert result.structured_content is not None
    assert [item["seq"] for item in result.structured_content["items"]] == [1, 2]


async def test_an_unexpected_failure_is_the_same_internal_error_on_mcp_and_openai(
    engine: Engine,
) -> None:
    openai = OpenAITools(engine, tools=EXTRA_TOOLS)
    openai_error = json.loads(await openai.call("explode", {"operation_id": "x"}))["error"]
    async with Client(build_server(engine, EXTRA_TOOLS)) as client:
        mcp_error = tool_error(await client.call_tool("explode", {"operation_id": "x"}))
    assert mcp_error == openai_error
    assert mcp_error["code"] == "internal_error"
    assert "RuntimeError" in mcp_error["message"]
    assert "secret detail" not in json.dumps(mcp_error)


async def test_a_refusal_is_the_same_error_body_on_mcp_and_openai(engine: Engine) -> None:
    arguments: dict[str, Any] = {"operation_id": "no-such-operation"}
    openai_error = json.loads(await OpenAITools(engine).call("get_progress", arguments))["error"]
    async with Client(build_server(engine)) as client:
        mcp_error = tool_error(await client.call_tool("get_progress", arguments))
    assert mcp_error == openai_error
    assert mcp_error["code"] == "operation_not_found"


@pytest.mark.parametrize("argument", ["operation_id", "budget_ms"])
def test_a_common_argument_reads_the_same_in_every_tool(argument: str) -> None:
    # execute_incrementally's operation_id is another argument: the caller's own id for a new run.
    registry = OperationRegistry()
    specs = [spec for spec in TOOLS if (spec.name, argument) != (STARTING, "operation_id")]
    schemas = [catalog_schema(spec, registry)[0]["properties"] for spec in specs]
    taking = [properties[argument] for properties in schemas if argument in properties]
    assert len(taking) >= 3
    assert all(schema == taking[0] for schema in taking)
