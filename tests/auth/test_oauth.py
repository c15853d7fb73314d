"""OAuth 2.1 resource server: JWT access tokens checked against the issuer's JWKS."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.auth.conftest import client_with_token
from tests.auth.jwks_server import RESOURCE_URL, Issuer, running_issuer
from tests.auth.test_http_auth import INITIALIZE, MCP_HEADERS, _operation_count
from tests.mcp.conftest import HttpServer, start_http_server, structured, tool_error

OPERATOR = "agent-tools:operator"


@dataclass
class OAuthServer:
    server: HttpServer
    issuer: Issuer
    store_url: str

    @property
    def origin(self) -> str:
        return self.server.url.removesuffix("/mcp")


@pytest.fixture(scope="module")
def oauth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OAuthServer]:
    folder = tmp_path_factory.mktemp("oauth")
    store_url = f"sqlite:///{folder / 'operations.db'}"
    with running_issuer() as issuer:
        server = start_http_server(
            store_url,
            authenticated=True,
            AGENT_TOOLS_TOKENS_FILE=str(folder / "tokens.json"),
            AGENT_TOOLS_OAUTH_ISSUER=issuer.url,
            AGENT_TOOLS_OAUTH_JWKS_URL=issuer.jwks_url,
            AGENT_TOOLS_RESOURCE_URL=RESOURCE_URL,
        )
        yield OAuthServer(server, issuer, store_url)
        server.stop()


async def test_a_valid_access_token_runs_work_owned_by_its_subject(oauth: OAuthServer) -> None:
    token = oauth.issuer.token("carol", OPERATOR)
    async with client_with_token(oauth.server.url, token) as client:
        view = structured(
            await client.call_tool(
                "execute_incrementally",
                {"operation_type": "counter", "input": {"total_items": 2}, "budget_ms": 5000},
            )
        )
        listed = structured(await client.call_tool("list_operations", {}))
    async with client_with_token(oauth.server.url, oauth.issuer.token("dave", OPERATOR)) as other:
        hidden = tool_error(
            await other.call_tool("get_progress", {"operation_id": view["operation_id"]})
        )
    assert view["status"] == "completed"
    assert [entry["operation_id"] for entry in listed["operations"]] == [view["operation_id"]]
    assert hidden["code"] == "operation_not_found"


async def test_the_scope_gives_the_role(oauth: OAuthServer) -> None:
    token = oauth.issuer.token("erin", "openid agent-tools:reader")
    async with client_with_token(oauth.server.url, token) as client:
        listed = structured(await client.call_tool("list_operations", {}))
        refused = tool_error(
            await client.call_tool(
                "execute_incrementally", {"operation_type": "counter", "input": {"total_items": 1}}
            )
        )
    assert listed["operations"] == []
    assert refused["code"] == "role_required"


def _foreign_token(issuer: Issuer) -> str:
    """Claims that are right, signed by a key the JWKS does not hold (same kid)."""
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(issuer.token("mallory", OPERATOR), options={"verify_signature": False})
    return jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": issuer.key_id})


def _unsigned_token(issuer: Issuer) -> str:
    claims = jwt.decode(issuer.token("mallory", OPERATOR), options={"verify_signature": False})
    return jwt.encode(claims, None, algorithm="none", headers={"kid": issuer.key_id})


REFUSED: dict[str, Any] = {
    "expired": lambda issuer: issuer.token("m", OPERATOR, exp=int(time.time()) - 3600),
    "not yet valid": lambda issuer: issuer.token("m", OPERATOR, nbf=int(time.time()) + 3600),
    "another audience": lambda issuer: issuer.token("m", OPERATOR, aud="https://other/mcp"),
    "another issuer": lambda issuer: issuer.token("m", OPERATOR, iss="https://evil.example"),
    "no role scope": lambda issuer: issuer.token("m", "openid profile"),
    "no subject": lambda issuer: issuer.token("m", OPERATOR, sub=None),
    "no expiry": lambda issuer: issuer.token("m", OPERATOR, exp=None),
    "a key not in the JWKS": _foreign_token,
    "alg none": _unsigned_token,
}


@pytest.mark.parametrize("problem", list(REFUSED))
async def test_a_bad_access_token_gets_401_and_nothing_is_stored(
    oauth: OAuthServer, problem: str
) -> None:
    before = await _operation_count(oauth.store_url)
    token = REFUSED[problem](oauth.issuer)
    async with httpx.AsyncClient() as http:
        response = await http.post(
            oauth.server.url,
            json=INITIALIZE,
            headers={**MCP_HEADERS, "Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 401
    assert await _operation_count(oauth.store_url) == before


async def test_a_401_points_to_the_protected_resource_metadata(oauth: OAuthServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(oauth.server.url, json=INITIALIZE, headers=MCP_HEADERS)
    challenge = response.headers["www-authenticate"]
    assert response.status_code == 401
    assert (
        'resource_metadata="https://agent-tools.example/.well-known/oauth-protected-resource/mcp"'
        in challenge
    )


@pytest.mark.parametrize(
    "path", ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]
)
async def test_the_protected_resource_metadata_names_the_issuer_and_resource(
    oauth: OAuthServer, path: str
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(oauth.origin + path)
    metadata = response.json()
    assert response.status_code == 200
    assert metadata["resource"] == RESOURCE_URL
    assert [url.rstrip("/") for url in metadata["authorization_servers"]] == [oauth.issuer.url]
