"""An agent loop with the real ``openai`` client that drives a long operation to completion.

    OPENAI_API_KEY=... python examples/openai_tool_loop.py
    python examples/openai_tool_loop.py --base-url http://localhost:8080/v1 --model my-model
    python examples/openai_tool_loop.py --api responses

Every tool call returns within its budget, so the model sees progress after each turn and
follows ``next_step`` until the operation completes; the store keeps the work if the loop
stops (run it again with the same store and ask the model to resume).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from typing import Any

from openai import AsyncOpenAI

from agent_tools import Engine, OpenAITools
from agent_tools.surfaces.schema_export import builtin_registry

SYSTEM = (
    "You run long operations with the agent-tools functions. Start the operation, then keep "
    "following next_step from each response (usually resume with the operation_id and "
    "next_cursor) until status is completed; then answer with the result."
)
TASK = "Count the prime numbers below 300000 with the computation operation (task primes)."


async def chat_loop(client: AsyncOpenAI, model: str, tools: OpenAITools, turns: int) -> str:
    """Chat Completions: assistant tool calls in, tool messages back, until a plain answer."""
    messages: list[Any] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": TASK},
    ]
    for turn in range(1, turns + 1):
        response = await client.chat.completions.create(
            model=model, messages=messages, tools=tools.definitions("chat")
        )
        message = response.choices[0].message
        messages.append(message.model_dump(exclude_none=True))
        if not message.tool_calls:
            return message.content or ""
        replies = await tools.handle_many(message.tool_calls)
        messages.extend(replies)
        print(f"turn {turn}: {_summary(replies)}", flush=True)
    raise RuntimeError(f"no answer after {turns} turns")


async def responses_loop(client: AsyncOpenAI, model: str, tools: OpenAITools, turns: int) -> str:
    """Responses API: function_call items in, function_call_output items back."""
    items: list[Any] = [{"role": "user", "content": TASK}]
    for turn in range(1, turns + 1):
        response = await client.responses.create(
            model=model, instructions=SYSTEM, input=items, tools=tools.definitions("responses")
        )
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return response.output_text
        items.extend(call.model_dump(exclude_none=True) for call in calls)
        replies = await tools.handle_many(calls)
        items.extend(replies)
        print(f"turn {turn}: {_summary(replies)}", flush=True)
    raise RuntimeError(f"no answer after {turns} turns")


def _summary(replies: list[dict[str, Any]]) -> str:
    parts = []
    for reply in replies:
        body = json.loads(reply.get("content") or reply.get("output") or "{}")
        progress = body.get("progress") or {}
        parts.append(f"{body.get('status', body.get('error'))} {progress.get('percentage')}%")
    return ", ".join(parts)


async def main(arguments: argparse.Namespace) -> str:
    client = AsyncOpenAI(
        base_url=arguments.base_url, api_key=arguments.api_key or os.environ.get("OPENAI_API_KEY")
    )
    async with Engine.from_url(arguments.store, registry=builtin_registry()) as engine:
        tools = OpenAITools(engine)
        loop = chat_loop if arguments.api == "chat" else responses_loop
        answer = await loop(client, arguments.model, tools, arguments.max_turns)
    print(answer)
    return answer


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default=os.environ.get("OPENAI_BASE_URL"))
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--model", default=os.environ.get("OPENAI_MODEL", "gpt-4.1-mini"))
    parser.add_argument("--api", choices=("chat", "responses"), default="chat")
    parser.add_argument("--store", default="sqlite:///openai-loop.db")
    parser.add_argument("--max-turns", type=int, default=60)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
