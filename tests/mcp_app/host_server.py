"""The test host's web server: its pages, and /mcp passed through to a real server.

Browsers send MCP requests only to the page's own origin (the agent-tools server
sends no CORS headers and checks Origin against DNS rebinding), so the host page
and the MCP endpoint share one origin here, as they would behind a real host.
``localhost`` on the same port is the sandbox proxy's origin: another origin, as
the MCP Apps spec asks of web hosts.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import Route

PAGES = Path(__file__).resolve().parent / "host"
HOP_BY_HOP = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}
STARTUP_DEADLINE_S = 30.0


def host_app(mcp_url: str, host_script: Path) -> Starlette:
    """Pages at /, /host.js, /sandbox.html, /sandbox.js; /mcp proxied to ``mcp_url``."""
    upstream = httpx.AsyncClient(timeout=httpx.Timeout(120.0))

    async def proxy(request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        outgoing = upstream.build_request(
            request.method, mcp_url, headers=headers, content=await request.body()
        )
        answer = await upstream.send(outgoing, stream=True)
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}

        async def body() -> AsyncIterator[bytes]:
            async for chunk in answer.aiter_raw():
                yield chunk

        return StreamingResponse(
            body(),
            status_code=answer.status_code,
            headers=kept,
            background=BackgroundTask(answer.aclose),
        )

    def page(name: str) -> Route:
        return Route(f"/{name}", lambda request: FileResponse(PAGES / name))

    return Starlette(
        routes=[
            Route("/", lambda request: FileResponse(PAGES / "index.html")),
            Route("/host.js", lambda request: FileResponse(host_script)),
            page("sandbox.html"),
            page("sandbox.js"),
            Route("/mcp", proxy, methods=["GET", "POST", "DELETE"]),
        ]
    )


@dataclass
class HostServer:
    """A uvicorn server on a free loopback port, in a thread of its own."""

    server: uvicorn.Server
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start_host_server(mcp_url: str, host_script: Path) -> HostServer:
    config = uvicorn.Config(
        host_app(mcp_url, host_script),
        host="127.0.0.1",
        port=0,
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    started = threading.Event()

    def wait() -> None:
        while not server.started and thread.is_alive():
            started.wait(0.05)

    waiter = threading.Thread(target=wait)
    waiter.start()
    waiter.join(STARTUP_DEADLINE_S)
    if not server.started:
        raise RuntimeError("the test host server did not start")
    return HostServer(server, thread)
