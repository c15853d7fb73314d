"""A minimal client of the 2026-07-28 HTTP wire: every request stands alone, like a new session."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

PROTOCOL_VERSION = "2026-07-28"
TASKS = "io.modelcontextprotocol/tasks"
TERMINAL = ("completed", "failed", "cancelled")
NAME_FIELDS = {
    "tools/call": "name",
    "tasks/get": "taskId",
    "tasks/update": "taskId",
    "tasks/cancel": "taskId",
}


class RpcError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("message"))
        self.code = error["code"]
        self.data = error.get("data")


class WireClient:
    """Sends JSON-RPC requests with the per-request envelope and the routing headers."""

    def __init__(
        self,
        url: str,
        *,
        with_tasks: bool = True,
        can_elicit: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        self._url = url
        self._headers = headers or {}
        self._capabilities: dict[str, Any] = {"extensions": {TASKS: {}}} if with_tasks else {}
        if can_elicit:
            self._capabilities["elicitation"] = {}
        self._next_id = 1

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        body = {
            "jsonrpc": "2.0",
            "id": self._next_id,
            "method": method,
            "params": {
                **params,
                "_meta": {
                    "io.modelcontextprotocol/protocolVersion": PROTOCOL_VERSION,
                    "io.modelcontextprotocol/clientCapabilities": self._capabilities,
                    "io.modelcontextprotocol/clientInfo": {"name": "tests", "version": "1"},
                },
            },
        }
        self._next_id += 1
        headers = {
            "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": PROTOCOL_VERSION,
            "Mcp-Method": method,
            **self._headers,
        }
        if method in NAME_FIELDS:
            headers["Mcp-Name"] = str(params[NAME_FIELDS[method]])
        # ASCII JSON: a lone surrogate in a hostile-input test travels as its \u escape.
        headers["Content-Type"] = "application/json"
        response = httpx.post(self._url, content=json.dumps(body), headers=headers, timeout=60)
        reply = _json_body(response)
        if "error" in reply:
            raise RpcError(reply["error"])
        result: dict[str, Any] = reply["result"]
        return result

    def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return self.request("tools/call", {"name": name, "arguments": arguments})

    def get_task(self, task_id: str) -> dict[str, Any]:
        return self.request("tasks/get", {"taskId": task_id})

    def wait_for(self, task_id: str, done: Any, deadline_s: float = 60.0) -> dict[str, Any]:
        """Poll tasks/get until ``done(task)`` holds; fail after ``deadline_s``."""
        deadline = time.monotonic() + deadline_s
        while True:
            task = self.get_task(task_id)
            if done(task):
                return task
            assert time.monotonic() < deadline, f"task never reached the condition: {task}"
            time.sleep(task.get("pollIntervalMs", 200) / 1000)


def legacy_tools(url: str) -> list[dict[str, Any]]:
    """``tools/list`` in a 2025-11-25 session (initialize first), where tools keep ``execution``."""
    headers = {"Accept": "application/json, text/event-stream"}
    hello = {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "tests", "version": "1"},
    }
    opened = httpx.post(
        url,
        json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
        headers=headers,
    )
    session = {
        **headers,
        "Mcp-Session-Id": opened.headers["mcp-session-id"],
        "MCP-Protocol-Version": "2025-11-25",
    }
    httpx.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=session)
    listed = httpx.post(
        url, json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, headers=session
    )
    tools: list[dict[str, Any]] = _json_body(listed)["result"]["tools"]
    return tools


def _json_body(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC reply, from a JSON body or the last event of an SSE stream."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        data = [
            line.removeprefix("data:").strip()
            for line in response.text.splitlines()
            if line.startswith("data:") and line.strip() != "data:"
        ]
        return dict(httpx.Response(200, content=data[-1]).json())
    return dict(response.json())


def tool_error_code(result: dict[str, Any]) -> str:
    """The error code of an ``isError`` tool result, which carries no structured content."""
    assert result["isError"] is True and "structuredContent" not in result
    code: str = json.loads(result["content"][1]["text"])["error"]["code"]
    return code
