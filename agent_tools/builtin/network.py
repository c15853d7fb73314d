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
    "open one network with `agent-tools serve --allow-network CIDR`, or all private ones "
    "with `--allow-private-network`."
)


NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
"""IPv6 addresses that a NAT64 gateway turns into the IPv4 address in their last 32 bits."""


def is_public_address(address: str) -> bool:
    """Whether an IP address is globally routable (not private, loopback, link-local, ...).

    An IPv6 address that carries an IPv4 one (mapped, compatible, NAT64, 6to4, Teredo) must pass
    as that IPv4 address too.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not ip.is_global or ip.is_multicast:
        return False
    return all(is_public_address(str(inner)) for inner in _embedded_ipv4(ip))


def _embedded_ipv4(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> list[ipaddress.IPv4Address]:
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
    if ip in NAT64_PREFIX or int(ip) >> 32 == 0:  # NAT64, or the old IPv4-compatible ::a.b.c.d
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [inner for inner in found if inner is not None]


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
    refuse_unless_allowed(url, await addresses_of(parts.hostname), policy)


def refuse_unless_allowed(target: str, addresses: list[str], policy: ExecutionPolicy) -> None:
    """Raise ``AccessDeniedError`` naming the addresses of ``target`` the policy does not open."""
    if policy.allow_private_network:
        return
    opened = [ipaddress.ip_network(network, strict=False) for network in policy.allowed_networks]
    refused = [
        address
        for address in addresses
        if not is_public_address(address) and not _inside(address, opened)
    ]
    if refused:
        raise AccessDeniedError(
            f"{target!r} reaches non-public address(es) {', '.join(sorted(set(refused)))}.",
            PRIVATE_HINT,
            target=target,
        )


def _inside(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return any(ip.version == network.version and ip in network for network in networks)


async def addresses_of(host: str) -> list[str]:
    """The addresses ``host`` stands for: itself when it is an IP literal, else its DNS answer.

    The system resolver also reads the short and numeric IPv4 spellings (``127.1``,
    ``2130706433``, ``0x7f.0.0.1``) as the addresses they denote, so those are
    checked as what they reach. A failed lookup raises ``OSError`` like a refused
    connection, so callers retry it the same way.
    """
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return ["127.0.0.1", "::1"]  # RFC 6761: loopback, whatever a resolver says
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        return await resolve_host(host)


async def resolve_host(host: str) -> list[str]:
    """Every address ``host`` resolves to, from the system resolver."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]
