"""A local stand-in for a model server: the Chat Completions and Responses wire formats,
with the model's tool calls scripted from the tool results it receives."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

PRIMES_INPUT = {"task": "primes", "start": 0, "stop": 300_000}
BUDGET_MS = 150


class ScriptedModel:
    """Starts the operation, resumes it while it runs, answers once it has completed."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def next_move(self, last_output: str | None) -> tuple[str, dict[str, Any]] | str:
        """A function call (name, arguments) to make, or the final answer."""
        if last_output is None:
            return "execute_incrementally", {
                "operation_type": "computation",
                "input": json.dumps(PRIMES_INPUT),
                "operation_id": None,
                "budget_ms": BUDGET_MS,
                "mode": None,
                "chunk_size": None,
                "checkpoint_interval": None,
                "timeout_ms": None,
                "chunk_timeout_ms": None,
                "total_steps": None,
            }
        view = json.loads(last_output)
        if view.get("status") == "completed":
            return f"Done: {json.dumps(view['result'])}"
        return "resume", {
            "operation_id": view["operation_id"],
            "budget_ms": BUDGET_MS,
            "cursor": view["next_cursor"],
        }

    async def chat(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        tool_messages = [m for m in body["messages"] if m.get("role") == "tool"]
        move = self.next_move(tool_messages[-1]["content"] if tool_messages else None)
        if isinstance(move, str):
            message: dict[str, Any] = {"role": "assistant", "content": move}
            finish = "stop"
        else:
            name, arguments = move
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{len(self.requests)}",
                        "type": "function",
                        "function": {"name": name, "arguments": json.dumps(arguments)},
                    }
                ],
            }
            finish = "tool_calls"
        return JSONResponse(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            }
        )

    async def responses(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        outputs = [i for i in body["input"] if i.get("type") == "function_call_output"]
        move = self.next_move(outputs[-1]["output"] if outputs else None)
        number = len(self.requests)
        if isinstance(move, str):
            item: dict[str, Any] = {
                "type": "message",
                "id": f"msg_{number}",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": move, "annotations": []}],
            }
        else:
            name, arguments = move
            item = {
                "type": "function_call",
                "id": f"fc_{number}",
                "call_id": f"call_{number}",
                "name": name,
                "arguments": json.dumps(arguments),
                "status": "completed",
            }
        return JSONResponse(
            {
                "id": f"resp_{number}",
                "object": "response",
                "created_at": int(time.time()),
                "model": body["model"],
                "status": "completed",
                "output": [item],
                "parallel_tool_calls": True,
                "tool_choice": "auto",
                "tools": [],
            }
        )


@contextmanager
def serving(model: ScriptedModel) -> Iterator[str]:
    """Serve ``model`` on a free loopback port; yield its OpenAI base URL."""
    app = Starlette(
        routes=[
            Route("/v1/chat/completions", model.chat, methods=["POST"]),
            Route("/v1/responses", model.responses, methods=["POST"]),
        ]
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the scripted model server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
