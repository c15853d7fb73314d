"""The tools for the OpenAI Agents SDK: ``FunctionTool``s, or an ``MCPServerStdio``.

from agents import Agent
from agent_tools.surfaces.adapters.openai_agents import function_tools
agent = Agent(name="ops", tools=function_tools(engine))
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from agents import FunctionTool
from agents.mcp import MCPServerStdio

from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.openai_tools import OpenAITools

CLIENT_TIMEOUT_MARGIN_S = 5.0
"""Added to the budget: a call returns by its budget, plus the time to answer."""


def function_tools(engine: Engine) -> list[FunctionTool]:
    """One strict ``FunctionTool`` per agent-tools function, answering through ``engine``."""
    tools = OpenAITools(engine)
    return [
        FunctionTool(
            name=definition["name"],
            description=definition["description"],
            params_json_schema=definition["parameters"],
            on_invoke_tool=_invoker(tools, definition["name"]),
            strict_json_schema=True,
        )
        for definition in tools.definitions("responses")
    ]


def _invoker(tools: OpenAITools, name: str) -> Any:
    async def invoke(context: Any, arguments: str) -> str:
        return await tools.call(name, arguments)

    return invoke


def mcp_server_stdio(
    *, budget_ms: int = 4000, serve_arguments: Sequence[str] = (), name: str = "agent-tools"
) -> MCPServerStdio:
    """An ``MCPServerStdio`` running ``agent-tools serve`` with a client timeout that fits.

    The SDK's default client timeout (5 s) is shorter than a long-poll or a large
    budget; this one is the budget plus a margin, so a call never times out first.
    """
    return MCPServerStdio(
        params={
            "command": sys.executable,
            "args": [
                "-m",
                "agent_tools.surfaces.cli",
                "serve",
                "--budget-ms",
                str(budget_ms),
                *serve_arguments,
            ],
        },
        name=name,
        client_session_timeout_seconds=budget_ms / 1000 + CLIENT_TIMEOUT_MARGIN_S,
        use_structured_content=True,
    )
