"""Start what a user would start, outside the repository, and ask it to ``initialize``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPOSITORY = Path(__file__).resolve().parents[2]
DISTRIBUTION = "agent-tools-incremental"
PROTOCOL_VERSION = "2025-11-25"
LAUNCH_TIMEOUT_S = 300.0
"""A first ``uvx`` or ``uv run`` resolves and installs every dependency; later ones are cached."""
URL_PATTERN = re.compile(r"serving MCP at (\S+)")

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": PROTOCOL_VERSION,
        "capabilities": {},
        "clientInfo": {"name": "tests-dist", "version": "0"},
    },
}


def outside_environment(
    home: Path, path_first: Sequence[Path] = (), **extra: str
) -> dict[str, str]:
    """This process's environment without anything that points into the repository.

    No ``AGENT_TOOLS_*`` settings, no ``PYTHONPATH`` or active virtual environment, no
    repository folder on ``PATH``; the data folder (default store, tokens) lives in ``home``.
    """
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AGENT_TOOLS_")
        and name not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT"}
    }
    search = [
        folder
        for folder in os.environ.get("PATH", "").split(os.pathsep)
        if folder and not Path(folder).resolve().is_relative_to(REPOSITORY)
    ]
    kept["PATH"] = os.pathsep.join([*(str(folder) for folder in path_first), *search])
    kept["XDG_DATA_HOME"] = str(home / "data")
    return {**kept, **extra}


def initialize_over_stdio(
    command: Sequence[str], environment: Mapping[str, str], cwd: Path
) -> dict[str, Any]:
    """Start a stdio server, send ``initialize`` and return its result."""
    return talk_over_stdio(command, environment, cwd)[1]


def talk_over_stdio(
    command: Sequence[str],
    environment: Mapping[str, str],
    cwd: Path,
    requests: Sequence[tuple[str, dict[str, Any]]] = (),
) -> dict[int, dict[str, Any]]:
    """``initialize`` (id 1), then each ``(method, params)`` (ids 2, 3, ...): results by id.

    Once every answer is in, stdin is closed, which is how a client says goodbye over stdio:
    the server must then exit by itself, with status 0.
    """
    messages = [
        INITIALIZE,
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        *(
            {"jsonrpc": "2.0", "id": number, "method": method, "params": params}
            for number, (method, params) in enumerate(requests, start=2)
        ),
    ]
    process = subprocess.Popen(
        list(command),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(environment),
        cwd=cwd,
    )
    assert process.stdin is not None and process.stdout is not None
    answers: dict[int, dict[str, Any]] = {}
    errors: list[str] = []
    everything_answered = threading.Event()

    def read_answers() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            message = json.loads(line)
            if "id" in message:
                answers[message["id"]] = message
            if len(answers) == len(requests) + 1:
                everything_answered.set()
        everything_answered.set()

    def read_errors() -> None:
        assert process.stderr is not None
        errors.extend(process.stderr)

    threading.Thread(target=read_answers, daemon=True).start()
    threading.Thread(target=read_errors, daemon=True).start()
    try:
        process.stdin.write("".join(json.dumps(message) + "\n" for message in messages))
        process.stdin.flush()
        everything_answered.wait(LAUNCH_TIMEOUT_S)
        process.stdin.close()
        status = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    log = "".join(errors)
    assert len(answers) == len(requests) + 1, f"{command} answered {answers}:\n{log}"
    assert status == 0, f"{command} exited {status}:\n{log}"
    for number, answer in answers.items():
        assert "result" in answer, f"request {number}: {answer}"
    return {number: dict(answer["result"]) for number, answer in answers.items()}


@dataclass
class HttpProcess:
    """A ``serve --http`` process and what it printed to stderr."""

    process: subprocess.Popen[str]
    url: str
    stderr_lines: list[str] = field(default_factory=list)


@contextmanager
def http_server(
    command: Sequence[str], environment: Mapping[str, str], cwd: Path
) -> Iterator[HttpProcess]:
    """Run a ``serve --http --port 0`` command until the URL it prints, stop it afterwards."""
    process = subprocess.Popen(
        list(command),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(environment),
        cwd=cwd,
    )
    lines: list[str] = []
    urls: list[str] = []
    found = threading.Event()

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            match = URL_PATTERN.search(line)
            if match and not found.is_set():
                urls.append(match.group(1))
                found.set()

    threading.Thread(target=read_stderr, daemon=True).start()
    deadline = time.monotonic() + LAUNCH_TIMEOUT_S
    try:
        while not found.wait(0.05):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("server did not start:\n" + "".join(lines))
        yield HttpProcess(process, urls[0], lines)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def initialize_over_http(url: str, token: str | None) -> httpx.Response:
    """POST ``initialize`` to a streamable HTTP endpoint, with a bearer token if given."""
    headers = {"Accept": "application/json, text/event-stream"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(url, json=INITIALIZE, headers=headers, timeout=60)


def json_rpc_result(response: httpx.Response) -> dict[str, Any]:
    """The ``result`` of a JSON-RPC answer sent as JSON or as one server-sent event."""
    if response.headers["content-type"].startswith("text/event-stream"):
        data = [line[5:] for line in response.text.splitlines() if line.startswith("data:")]
        message = json.loads(data[0])
    else:
        message = response.json()
    assert "result" in message, message
    return dict(message["result"])
