"""Connect only to the address that was checked: the defence against DNS rebinding.

Checking a URL's host and then letting the HTTP client resolve it again leaves a
gap: a name can answer a public address to the check and a private one to the
connection. Here the connection itself resolves the name once, refuses it if any
address is not allowed, and connects to exactly the addresses it checked. TLS
still verifies the certificate against the host name, which httpcore passes to
the TLS handshake separately.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from agent_tools.builtin import network
from agent_tools.core.errors import AccessDeniedError
from agent_tools.core.policy import ExecutionPolicy


class CheckedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore's default backend, but every TCP connection goes to a checked address."""

    def __init__(self, policy: ExecutionPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await network.addresses_of(host)
        network.refuse_unless_allowed(host, addresses, self._policy)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as error:
                failure = error
        raise failure or httpcore.ConnectError(f"{host!r} resolved to no address")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AccessDeniedError(
            "Unix sockets are not reachable from built-in operations.", network.PRIVATE_HINT
        )

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class CheckedTransport(httpx.AsyncHTTPTransport):
    """An httpx transport whose connections go through :class:`CheckedNetworkBackend`."""

    def __init__(self, policy: ExecutionPolicy, verify: ssl.SSLContext | bool = True) -> None:
        super().__init__(verify=verify, trust_env=False)
        # httpx takes no network backend, so its pool is rebuilt with ours (same defaults).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=httpx.Limits().max_connections,
            network_backend=CheckedNetworkBackend(policy),
        )


def checked_client(policy: ExecutionPolicy, timeout_s: float) -> httpx.AsyncClient:
    """An HTTP client that never follows redirects itself and never reaches a refused address."""
    return httpx.AsyncClient(
        timeout=timeout_s,
        follow_redirects=False,
        trust_env=False,
        transport=CheckedTransport(policy),
    )
