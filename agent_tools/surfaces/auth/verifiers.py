"""Token verifiers for the MCP SDK's bearer middleware: static tokens and OAuth JWTs.

Each turns a bearer token into a ``PrincipalToken`` (an SDK ``AccessToken`` that
also names the principal and its role) or None, which the middleware answers
with 401 and ``WWW-Authenticate``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from mcp.server.auth.provider import AccessToken, TokenVerifier

from agent_tools.core.principals import ROLE_ORDER, Principal, Role
from agent_tools.surfaces.auth.token_file import TokenFile, TokenFileError

logger = logging.getLogger(__name__)

JWT_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")
"""Asymmetric only: a shared-secret algorithm would let the JWKS's public key sign tokens."""
CLOCK_LEEWAY_S = 30
JWKS_CACHE_S = 300


class PrincipalToken(AccessToken):
    """An access token the server accepted, with the principal it acts for."""

    principal_name: str
    role: Role

    @property
    def principal(self) -> Principal:
        return Principal(name=self.principal_name, role=self.role)


class StaticTokenVerifier:
    """Accepts the tokens listed (as hashes) in a tokens file."""

    def __init__(self, tokens: TokenFile) -> None:
        self._tokens = tokens

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            record = self._tokens.check(token)
        except TokenFileError:
            logger.exception("the tokens file cannot be read; refusing every static token")
            return None
        if record is None:
            return None
        return PrincipalToken(
            token=token,
            client_id=record.principal,
            subject=record.principal,
            scopes=[record.role],
            principal_name=record.principal,
            role=Role(record.role),
        )


class JwtVerifier:
    """Validates JWT access tokens from an OAuth 2.1 authorization server against its JWKS.

    Checked: the signature by a key of the JWKS (by ``kid``), ``iss``, ``aud`` (this
    server's resource URL), ``exp`` and ``nbf``, and a scope naming a role
    (``<scope_prefix><role>``, the highest one counts). The ``sub`` claim is the principal.
    """

    def __init__(self, jwks_url: str, issuer: str, audience: str, scope_prefix: str) -> None:
        # PyJWT pulls in cryptography (~0.2 s); a server without OAuth never loads it.
        import jwt

        self._keys = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=JWKS_CACHE_S)
        self._issuer = issuer
        self._audience = audience
        self._scope_prefix = scope_prefix

    async def verify_token(self, token: str) -> AccessToken | None:
        import jwt

        try:
            key = await asyncio.to_thread(self._keys.get_signing_key_from_jwt, token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=list(JWT_ALGORITHMS),
                audience=self._audience,
                issuer=self._issuer,
                leeway=CLOCK_LEEWAY_S,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            logger.info("JWT refused: %s", error)
            return None
        scopes = _scopes(claims)
        role = self._role(scopes)
        subject = claims.get("sub")
        if role is None or not isinstance(subject, str) or not subject:
            logger.info("JWT refused: no role scope (%s*) or no subject", self._scope_prefix)
            return None
        return PrincipalToken(
            token=token,
            client_id=str(claims.get("client_id") or claims.get("azp") or subject),
            subject=subject,
            scopes=scopes,
            expires_at=int(claims["exp"]),
            resource=self._audience,
            claims={"iss": claims["iss"]},
            principal_name=subject,
            role=role,
        )

    def _role(self, scopes: Sequence[str]) -> Role | None:
        granted = [role for role in ROLE_ORDER if f"{self._scope_prefix}{role.value}" in scopes]
        return granted[-1] if granted else None


class AnyVerifier:
    """Tries each verifier in turn: the first that accepts the token wins."""

    def __init__(self, verifiers: Sequence[TokenVerifier]) -> None:
        self._verifiers = list(verifiers)

    async def verify_token(self, token: str) -> AccessToken | None:
        for verifier in self._verifiers:
            accepted = await verifier.verify_token(token)
            if accepted is not None:
                return accepted
        return None


def _scopes(claims: dict[str, Any]) -> list[str]:
    """Scopes from ``scope`` (space-separated, RFC 9068) or ``scp`` (a list or a string)."""
    raw = claims.get("scope", claims.get("scp", ""))
    if isinstance(raw, str):
        return raw.split()
    if isinstance(raw, list):
        return [scope for scope in raw if isinstance(scope, str)]
    return []
