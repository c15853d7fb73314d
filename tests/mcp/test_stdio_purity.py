"""In stdio mode nothing but protocol messages reaches stdout, even from noisy operations."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from tests.mcp.conftest import FIXTURES, serve_arguments, server_environment

LINE_DEADLINE_S = 60.0


def send(process: subprocess.Popen[str], message: dict[str, Any]) -> None:
    assert process.stdin is not None
    process.stdin.write(json.dumps(message) + "\n")
    process.stdin.flush()


def test_stdout_carries_only_json_rpc_while_operations_print(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            *serve_arguments(
                f"sqlite:///{tmp_path / 'ops.db'}", ops=(str(FIXTURES / "noisy_ops.py"),)
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=server_environment(),
    )
    lines: queue.Queue[str] = queue.Queue()

    def read_stdout() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read_stdout, daemon=True).start()
    seen: list[str] = []

    def until_response(request_id: int) -> dict[str, Any]:
        while True:
            line = lines.get(timeout=LINE_DEADLINE_S)
            seen.append(line)
            message = json.loads(line)
            if message.get("id") == request_id:
                return dict(message)

    try:
        send(
            process,
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "purity-test", "version": "1"},
                },
            },
        )
        until_response(1)
        send(process, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        send(
            process,
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "tools/call",
                "params": {
                    "name": "execute_incrementally",
                    "arguments": {"operation_type": "noisy", "input": {"chunks": 2}},
                },
            },
        )
        response = until_response(2)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)
    stderr = process.stderr.read() if process.stderr else ""
    assert response["result"]["structuredContent"]["status"] == "completed"
    assert all(json.loads(line)["jsonrpc"] == "2.0" for line in seen)
    assert "noisy_ops imported" in stderr
    assert "raw write to fd 1" in stderr
