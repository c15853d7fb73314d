"""Network safety: refuse private, loopback and link-local addresses unless allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from agent_tools.core.errors import AccessDeniedError, InvalidInputError
from agent_tools.core.policy import ExecutionPolicy

PRIVATE_HINT = (
    "Only public internet addresses are reachable by default; the server's operator can "
    "allow private ones with `agent-tools serve --allow-private-network`."
)


def is_public_address(address: str) -> bool:
    """Whether an IP address is globally routable (not private, loopback, link-local, ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_url_allowed(url: str, policy: ExecutionPolicy) -> None:
    """Refuse ``url`` unless it is http(s) and every address its host resolves to is allowed.

    Every resolved address is checked, so a name with one public and one
    private address is refused as well.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(
            f"URL {url!r} is not an absolute http or https URL.",
            "Give full URLs such as https://api.example.com/items/1.",
            url=url,
        )
    if policy.allow_private_network:
        return
    host = parts.hostname
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = await _resolve(host)
    refused = [address for address in addresses if not is_public_address(address)]
    if refused:
        raise AccessDeniedError(
            f"URL {url!r} reaches non-public address(es) {', '.join(sorted(set(refused)))}.",
            PRIVATE_HINT,
            url=url,
        )


async def _resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to; a failed lookup raises ``OSError`` like a refused
    connection, so callers retry it the same way."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]
