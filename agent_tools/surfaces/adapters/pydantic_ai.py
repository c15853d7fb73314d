"""The tools for pydantic-ai.

from pydantic_ai import Agent
from agent_tools.surfaces.adapters.pydantic_ai import pydantic_ai_tools
agent = Agent("openai:gpt-4.1", tools=pydantic_ai_tools(engine))
"""

from __future__ import annotations

from typing import Any

from pydantic_ai import Tool

from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.openai_tools import OpenAITools


def pydantic_ai_tools(engine: Engine) -> list[Tool[Any]]:
    """One pydantic-ai ``Tool`` per agent-tools function, answering through ``engine``."""
    tools = OpenAITools(engine)
    return [
        Tool.from_schema(
            _invoker(tools, definition["name"]),
            name=definition["name"],
            description=definition["description"],
            json_schema=definition["parameters"],
        )
        for definition in tools.definitions("responses")
    ]


def _invoker(tools: OpenAITools, name: str) -> Any:
    async def invoke(**arguments: Any) -> str:
        return await tools.call(name, arguments)

    return invoke
