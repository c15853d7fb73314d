"""Private, loopback and link-local addresses are refused unless the policy allows them."""

from __future__ import annotations

import pytest

from agent_tools.builtin.network import check_url_allowed, is_public_address
from agent_tools.core.errors import AccessDeniedError, InvalidInputError
from agent_tools.core.policy import ExecutionPolicy

CLOSED = ExecutionPolicy()
OPEN = ExecutionPolicy(allow_private_network=True)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fd00::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "100.64.0.1",
        "224.0.0.1",
    ],
)
def test_non_public_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/x",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data",
        "https://10.0.0.5/api",
        "http://localhost:9/",
    ],
)
async def test_private_urls_are_refused_by_default(url: str) -> None:
    with pytest.raises(AccessDeniedError) as refused:
        await check_url_allowed(url, CLOSED)
    assert "--allow-private-network" in refused.value.hint


async def test_private_urls_pass_when_the_policy_allows_them() -> None:
    await check_url_allowed("http://127.0.0.1:8000/x", OPEN)


async def test_a_public_address_literal_passes() -> None:
    await check_url_allowed("https://8.8.8.8/dns", CLOSED)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "/relative"])
async def test_non_http_urls_are_invalid_input(url: str) -> None:
    with pytest.raises(InvalidInputError):
        await check_url_allowed(url, OPEN)
