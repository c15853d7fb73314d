"""Which authentication an HTTP server uses, from the settings, and the refusals at start-up."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.routes import create_protected_resource_routes
from mcp.server.auth.settings import AuthSettings
from pydantic import AnyHttpUrl
from starlette.routing import Route

from agent_tools.core.errors import AgentToolsError
from agent_tools.core.principals import ROLE_ORDER
from agent_tools.settings import Settings
from agent_tools.surfaces.auth.token_file import TokenFile
from agent_tools.surfaces.auth.verifiers import AnyVerifier, JwtVerifier, StaticTokenVerifier

ROOT_METADATA_PATH = "/.well-known/oauth-protected-resource"
OAUTH_SETTINGS = ("oauth_issuer", "oauth_jwks_url", "resource_url")


class AuthConfigurationError(AgentToolsError):
    code = "auth_not_configured"

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message, hint)


@dataclass(frozen=True)
class HttpAuth:
    """What the SDK's streamable HTTP app needs to require bearer tokens."""

    settings: AuthSettings
    verifier: TokenVerifier
    routes: list[Route] = field(default_factory=list)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def http_auth(settings: Settings) -> HttpAuth | None:
    """The authentication of an HTTP server, or None with ``no_auth`` on a loopback address.

    Static tokens from the tokens file are always accepted (the file is read on
    each request, so tokens created later work without a restart); OAuth JWTs
    when an issuer, its JWKS URL and this server's resource URL are set.
    """
    if settings.no_auth:
        if not is_loopback(settings.host):
            raise AuthConfigurationError(
                f"--no-auth is refused on {settings.host!r}: anyone who can reach the port "
                "could read and run every operation.",
                "Bind to 127.0.0.1 for local clients, or keep authentication on and give "
                "remote clients a token (`agent-tools tokens create`) or OAuth.",
            )
        return None
    tokens = TokenFile(settings.tokens_file)
    verifiers: list[TokenVerifier] = [StaticTokenVerifier(tokens)]
    configured = [name for name in OAUTH_SETTINGS if getattr(settings, name)]
    if configured and len(configured) < len(OAUTH_SETTINGS):
        missing = [
            f"AGENT_TOOLS_{name.upper()}" for name in OAUTH_SETTINGS if name not in configured
        ]
        raise AuthConfigurationError(
            f"OAuth is half configured: {', '.join(missing)} missing.",
            "Set the issuer, its JWKS URL and this server's public resource URL together.",
        )
    if not configured:
        if not tokens.records():
            raise AuthConfigurationError(
                f"HTTP authentication is on but no token exists in {str(settings.tokens_file)!r} "
                "and no OAuth issuer is set.",
                "Create one with `agent-tools tokens create --principal NAME --role operator`, "
                "set AGENT_TOOLS_OAUTH_ISSUER, AGENT_TOOLS_OAUTH_JWKS_URL and "
                "AGENT_TOOLS_RESOURCE_URL, or pass --no-auth on 127.0.0.1.",
            )
        local = f"http://{settings.host}:{settings.port}"
        return HttpAuth(AuthSettings(issuer_url=local, resource_server_url=None), verifiers[0])
    assert settings.oauth_issuer and settings.oauth_jwks_url and settings.resource_url
    verifiers.append(
        JwtVerifier(
            settings.oauth_jwks_url,
            issuer=settings.oauth_issuer,
            audience=settings.resource_url,
            scope_prefix=settings.oauth_scope_prefix,
        )
    )
    auth_settings = AuthSettings(
        issuer_url=settings.oauth_issuer,
        resource_server_url=settings.resource_url,
        validate_token_resource=False,
    )
    scopes = [f"{settings.oauth_scope_prefix}{role.value}" for role in ROLE_ORDER]
    root_metadata = create_protected_resource_routes(
        resource_url=AnyHttpUrl(settings.resource_url),
        authorization_servers=[AnyHttpUrl(settings.oauth_issuer)],
        scopes_supported=scopes,
        resource_name="agent-tools",
    )
    return HttpAuth(auth_settings, AnyVerifier(verifiers), _rebuilt(root_metadata))


def _rebuilt(routes: list[Route]) -> list[Route]:
    """The routes again under the root metadata path (a Route compiles its path when built)."""
    return [
        Route(ROOT_METADATA_PATH, endpoint=route.endpoint, methods=list(route.methods or ()))
        for route in routes
    ]
