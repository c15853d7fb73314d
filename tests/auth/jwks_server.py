"""A local OAuth authorization server's JWKS endpoint, with keys generated per test run."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

RESOURCE_URL = "https://agent-tools.example/mcp"
"""The public URL the server is reached at behind its TLS proxy: the tokens' audience."""


@dataclass
class Issuer:
    """Signs access tokens the way an external authorization server would."""

    url: str
    jwks_url: str
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    key_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    def jwks(self) -> dict[str, Any]:
        public = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.key_id, "use": "sig", "alg": "RS256"}]}

    def token(self, subject: str, scope: str, **overrides: Any) -> str:
        """A signed access token; ``overrides`` replace or (as None) drop claims."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "aud": RESOURCE_URL,
            "sub": subject,
            "scope": scope,
            "iat": now,
            "exp": now + 600,
        }
        claims.update(overrides)
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.key_id})


@contextmanager
def running_issuer() -> Iterator[Issuer]:
    """Serve an issuer's JWKS at ``http://127.0.0.1:<port>/jwks`` until the block ends."""
    holder: list[Issuer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(holder[0].jwks()).encode()
            self.send_response(200 if self.path == "/jwks" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    holder.append(Issuer(url=base, jwks_url=f"{base}/jwks"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
