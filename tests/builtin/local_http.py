"""A real HTTP server on 127.0.0.1 in a thread, whose behaviour the api tests choose by path."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class ServerLog:
    requests: list[Seen] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def for_path(self, prefix: str) -> list[Seen]:
        with self.lock:
            return [seen for seen in self.requests if seen.path.startswith(prefix)]


class Handler(BaseHTTPRequestHandler):
    log: ServerLog

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        seen = Seen(
            self.command, self.path, dict(self.headers), self.rfile.read(length), time.monotonic()
        )
        log = self.log
        with log.lock:
            log.requests.append(seen)
            log.counts[parts.path] += 1
            count = log.counts[parts.path]
            log.in_flight += 1
            log.max_in_flight = max(log.max_in_flight, log.in_flight)
        try:
            self._respond(parts.path, query, count, seen)
        finally:
            with log.lock:
                log.in_flight -= 1

    def _respond(self, path: str, query: dict[str, str], count: int, seen: Seen) -> None:
        if path.startswith("/flaky/") and count <= int(query.get("fails", "1")):
            retry_after = query.get("retry_after")
            self._reply(
                429, {"error": "slow down"}, {"Retry-After": retry_after} if retry_after else None
            )
        elif path.startswith("/unavailable/") and count <= int(query.get("fails", "1")):
            self._reply(503, {"error": "unavailable"})
        elif path.startswith("/slow/"):
            time.sleep(int(query.get("ms", "100")) / 1000)
            self._reply(200, {"slow": True})
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", query.get("to", "/items/1"))
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._reply(
                200,
                {
                    "path": path,
                    "method": seen.method,
                    "data": {"items": [{"id": 1}, {"id": 2}], "echo": seen.body.decode()},
                },
            )

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class LocalServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.log = ServerLog()
        handler = type("BoundHandler", (Handler,), {"log": self.log})
        self._server = ThreadingHTTPServer((host, 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
