"""DNS-rebinding protection for the HTTP transport: which Host and Origin headers pass."""

from __future__ import annotations

from mcp.server.transport_security import TransportSecuritySettings

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def transport_security(host: str, allowed_hosts: list[str]) -> TransportSecuritySettings:
    """Accept requests addressed to loopback, to the bound ``host`` and to ``allowed_hosts``.

    A browser page on another site can point its own domain at 127.0.0.1; checking
    Host and Origin is what stops it from driving the server. Protection stays on
    for every bind address: a wildcard bind accepts only the names listed in
    ``allowed_hosts`` (plus loopback).
    """
    names = list(LOOPBACK_NAMES)
    if host not in WILDCARD_HOSTS and host not in ("::1", *names):
        names.append(f"[{host}]" if ":" in host else host)
    names.extend(name for name in allowed_hosts if name not in names)
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[f"{name}:*" for name in names] + list(names),
        allowed_origins=[f"{scheme}://{name}:*" for name in names for scheme in ("http", "https")]
        + [f"{scheme}://{name}" for name in names for scheme in ("http", "https")],
    )
