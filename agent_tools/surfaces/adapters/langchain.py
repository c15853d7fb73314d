"""The tools as LangChain ``StructuredTool``s.

from agent_tools.surfaces.adapters.langchain import structured_tools
llm.bind_tools(structured_tools(engine))
"""

from __future__ import annotations

from typing import Any

from langchain_core.tools import StructuredTool

from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.openai_tools import OpenAITools


def structured_tools(engine: Engine) -> list[StructuredTool]:
    """One async ``StructuredTool`` per agent-tools function, answering through ``engine``."""
    tools = OpenAITools(engine)
    return [
        StructuredTool.from_function(
            coroutine=_invoker(tools, definition["name"]),
            name=definition["name"],
            description=definition["description"],
            args_schema=definition["parameters"],
            infer_schema=False,
        )
        for definition in tools.definitions("responses")
    ]


def _invoker(tools: OpenAITools, name: str) -> Any:
    async def invoke(**arguments: Any) -> str:
        return await tools.call(name, arguments)

    return invoke
