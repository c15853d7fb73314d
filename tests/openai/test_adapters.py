"""Framework adapters, each exercised through the real framework package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agent_tools import Engine


async def test_openai_agents_function_tools_answer_through_the_engine(engine: Engine) -> None:
    from agents.tool_context import ToolContext

    from agent_tools.surfaces.adapters.openai_agents import function_tools

    tools = {tool.name: tool for tool in function_tools(engine)}
    start = tools["start_count"]
    assert start.strict_json_schema
    arguments = json.dumps({"total": 4, "chunk_delay_ms": 0, "payload_bytes": 0})
    context = ToolContext(
        context=None, tool_name="start_count", tool_call_id="call_1", tool_arguments=arguments
    )
    view = json.loads(await start.on_invoke_tool(context, arguments))
    assert view["status"] == "completed" and view["result"] == {"sum": 10}


async def test_openai_agents_mcp_server_talks_to_agent_tools_serve(tmp_path: Path) -> None:
    from agent_tools.surfaces.adapters.openai_agents import mcp_server_stdio

    server = mcp_server_stdio(
        budget_ms=2000, serve_arguments=["--store", f"sqlite:///{tmp_path / 'ops.db'}"]
    )
    assert server.client_session_timeout_seconds == 7.0
    async with server:
        names = {tool.name for tool in await server.list_tools()}
        assert {"execute_incrementally", "resume", "get_progress"} <= names
        result = await server.call_tool("describe_operation_types", {})
        assert not result.is_error
        assert "agent_task" in json.dumps(result.structured_content)


async def test_langchain_structured_tools_answer_through_the_engine(engine: Engine) -> None:
    from agent_tools.surfaces.adapters.langchain import structured_tools

    tools = {tool.name: tool for tool in structured_tools(engine)}
    started = json.loads(
        await tools["start_count"].ainvoke({"total": 3, "chunk_delay_ms": 0, "payload_bytes": 0})
    )
    assert started["status"] == "completed"
    progress = json.loads(
        await tools["get_progress"].ainvoke(
            {"operation_id": started["operation_id"], "wait_ms": None}
        )
    )
    assert progress["result"] == {"sum": 6}


async def test_a_pydantic_ai_agent_runs_an_operation_through_the_tools(engine: Engine) -> None:
    from pydantic_ai import Agent
    from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
    from pydantic_ai.models.function import AgentInfo, FunctionModel

    from agent_tools.surfaces.adapters.pydantic_ai import pydantic_ai_tools

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        returned = [
            part.content
            for message in messages
            for part in getattr(message, "parts", [])
            if part.part_kind == "tool-return"
        ]
        if not returned:
            arguments: dict[str, Any] = {"total": 5, "chunk_delay_ms": 0, "payload_bytes": 0}
            return ModelResponse(parts=[ToolCallPart("start_count", arguments)])
        return ModelResponse(parts=[TextPart(f"result: {json.loads(returned[-1])['result']}")])

    agent = Agent(FunctionModel(model), tools=pydantic_ai_tools(engine))
    run = await agent.run("count to five")
    assert run.output == "result: {'sum': 15}"
