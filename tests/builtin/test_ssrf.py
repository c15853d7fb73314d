"""SSRF: non-public addresses are refused in every spelling, after redirects, and when DNS
rebinds between the check and the connection (the address checked is the one connected to).

Two real servers stand in for "the API the operator opened" (127.0.0.1, opened with
``allowed_networks``) and "the internal service" (127.0.0.2, not opened).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent_tools.builtin import network
from agent_tools.builtin.api_integration import api_integration
from agent_tools.builtin.network import check_url_allowed, is_public_address
from agent_tools.core.errors import AccessDeniedError
from agent_tools.core.policy import ExecutionPolicy
from tests.builtin.helpers import run_all
from tests.builtin.local_http import LocalServer

CLOSED = ExecutionPolicy()
ONLY_THE_API = ExecutionPolicy(allowed_networks=("127.0.0.1/32",))

SPELLINGS_OF_PRIVATE = [
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0x7f000001/",  # ... as one hex number
    "http://0x7f.0.0.1/",  # hex first part
    "http://0177.0.0.1/",  # octal first part
    "http://127.1/",  # short forms
    "http://127.0.1/",
    "http://0/",  # 0.0.0.0
    "http://[::]/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:169.254.169.254]/",
    "http://[::127.0.0.1]/",  # IPv4-compatible IPv6
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of the metadata address
    "http://[2002:a9fe:a9fe::1]/",  # 6to4 of it
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[fd00:ec2::254]/",  # AWS metadata over IPv6
    "http://100.100.100.200/",  # Alibaba metadata (shared address space)
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.0.1/",
    "http://[fe80::1%25eth0]/",  # link-local with a zone
    "http://localhost/",
    "http://LOCALHOST./",
]


@pytest.mark.parametrize("url", SPELLINGS_OF_PRIVATE)
async def test_every_spelling_of_a_private_address_is_refused(url: str) -> None:
    with pytest.raises(AccessDeniedError) as refused:
        await check_url_allowed(url, CLOSED)
    assert refused.value.code == "access_denied"
    assert "--allow-network" in refused.value.hint


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"])
def test_public_addresses_stay_public_however_they_are_wrapped(address: str) -> None:
    assert is_public_address(address)


async def test_an_opened_network_is_reachable_and_nothing_else_is() -> None:
    await check_url_allowed("http://127.0.0.1:9/", ONLY_THE_API)
    with pytest.raises(AccessDeniedError):
        await check_url_allowed("http://127.0.0.2:9/", ONLY_THE_API)


@pytest.fixture
def api() -> Iterator[LocalServer]:
    with LocalServer("127.0.0.1") as server:
        yield server


@pytest.fixture
def internal() -> Iterator[LocalServer]:
    with LocalServer("127.0.0.2") as server:
        yield server


async def _fetch(url: str, policy: ExecutionPolicy) -> dict[str, object]:
    run = await run_all(
        api_integration, {"requests": [{"url": url}], "max_retries": 0}, policy, chunk_size=1
    )
    [item] = run.items
    assert isinstance(item, dict)
    return item


async def test_a_redirect_to_an_internal_address_is_refused_before_connecting(
    api: LocalServer, internal: LocalServer
) -> None:
    item = await _fetch(f"{api.base_url}/redirect?to={internal.base_url}/secret", ONLY_THE_API)
    assert item["error"]["code"] == "access_denied"  # type: ignore[index]
    assert [seen.path for seen in api.log.requests] == [f"/redirect?to={internal.base_url}/secret"]
    assert internal.log.requests == []


async def test_the_same_redirect_is_followed_when_the_target_is_opened(
    api: LocalServer, internal: LocalServer
) -> None:
    both = ExecutionPolicy(allowed_networks=("127.0.0.1/32", "127.0.0.2/32"))
    item = await _fetch(f"{api.base_url}/redirect?to={internal.base_url}/secret", both)
    assert item["status"] == 200
    assert [seen.path for seen in internal.log.requests] == ["/secret"]


def _rebinding_dns(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[str]:
    """A name whose DNS answer changes on every lookup, as an attacker's DNS server does."""
    asked: list[str] = []

    async def resolve(host: str) -> list[str]:
        asked.append(host)
        return [answers[min(len(asked), len(answers)) - 1]]

    monkeypatch.setattr(network, "resolve_host", resolve)
    return asked


async def test_dns_rebinding_between_check_and_connect_reaches_nothing(
    api: LocalServer, internal: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = internal.base_url.rsplit(":", 1)[1]
    # Both checks (before the chunk, before the hop) see the opened address; then it rebinds.
    asked = _rebinding_dns(monkeypatch, ["127.0.0.1", "127.0.0.1", "127.0.0.2"])
    item = await _fetch(f"http://rebind.attacker.example:{port}/secret", ONLY_THE_API)
    assert len(asked) == 3
    assert item["error"]["code"] == "access_denied"  # type: ignore[index]
    assert internal.log.requests == []


async def test_a_name_that_keeps_its_answer_is_connected_to(
    internal: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = internal.base_url.rsplit(":", 1)[1]
    _rebinding_dns(monkeypatch, ["127.0.0.2"])
    opened = ExecutionPolicy(allowed_networks=("127.0.0.2/32",))
    item = await _fetch(f"http://stable.example:{port}/ok", opened)
    assert item["status"] == 200
    assert [seen.path for seen in internal.log.requests] == ["/ok"]
