"""Routes beside /mcp (the web UI, metrics) are guarded like /mcp: 401 without a token."""

from __future__ import annotations

from pathlib import Path

import httpx
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from agent_tools.core.principals import Role, current_principal
from agent_tools.surfaces.auth.token_file import TokenFile
from agent_tools.surfaces.auth.verifiers import StaticTokenVerifier
from agent_tools.surfaces.mcp.principal import RequirePrincipal, mark_unauthenticated


async def whoami(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse(current_principal().name)(scope, receive, send)


def _app(tokens: TokenFile) -> Starlette:
    return Starlette(
        routes=[Route("/metrics", endpoint=RequirePrincipal(whoami))],
        middleware=[
            Middleware(
                AuthenticationMiddleware, backend=BearerAuthBackend(StaticTokenVerifier(tokens))
            )
        ],
    )


async def _get(app: object, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.get("/metrics", headers=headers)


async def test_a_guarded_route_refuses_a_request_without_a_valid_token(tmp_path: Path) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    for token in (None, "agt_0000_forged"):
        refused = await _get(_app(tokens), token)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Bearer ")


async def test_a_guarded_route_runs_as_the_tokens_principal(tmp_path: Path) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    token = tokens.create("carol", Role.READER)[1]
    answered = await _get(_app(tokens), token)
    assert answered.status_code == 200 and answered.text == "carol"


async def test_a_no_auth_server_serves_the_route_as_the_local_user(tmp_path: Path) -> None:
    app = mark_unauthenticated(_app(TokenFile(tmp_path / "tokens.json")))
    answered = await _get(app)
    assert answered.status_code == 200 and answered.text == "local"
