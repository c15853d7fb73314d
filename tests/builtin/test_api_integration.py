"""api_integration against a real local HTTP server: retries, pacing, summaries, refusals."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from agent_tools.builtin.api_integration import api_integration
from agent_tools.builtin.api_requests import HttpRequest
from agent_tools.builtin.http_sending import RatePacer, Sender
from agent_tools.builtin.network import check_url_allowed
from agent_tools.core.errors import AccessDeniedError
from agent_tools.core.policy import ExecutionPolicy
from tests.builtin.helpers import parse_input, run_all, run_chunk
from tests.builtin.local_http import LocalServer

FAST_RETRIES = {"backoff_initial_s": 0.01, "backoff_max_s": 5.0}


async def test_loopback_is_refused_without_permission_and_nothing_is_sent(
    http_server: LocalServer,
) -> None:
    with pytest.raises(AccessDeniedError):
        await run_all(
            api_integration,
            {"requests": [{"url": f"{http_server.base_url}/items/1"}]},
            ExecutionPolicy(),
            chunk_size=5,
        )
    assert http_server.log.requests == []


async def test_each_response_becomes_a_small_summary_item(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    run = await run_all(
        api_integration,
        {
            "requests": [{"url": f"{http_server.base_url}/items/{n}"} for n in range(7)],
            "excerpt_chars": 40,
        },
        network_policy,
        chunk_size=3,
    )
    assert [item["index"] for item in run.items] == list(range(7))
    first = run.items[0]
    assert first["status"] == 200
    assert first["attempts"] == 1
    assert first["bytes"] > 40
    assert len(first["excerpt"]) == 40
    assert first["elapsed_ms"] >= 0
    assert run.result == {"requests": 7, "succeeded": 7, "failed": 0, "by_status": {"200": 7}}


async def test_select_fields_picks_values_out_of_json_bodies(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    run = await run_all(
        api_integration,
        {
            "requests": [{"url": f"{http_server.base_url}/items/1"}],
            "select_fields": ["path", "data.items.1.id", "data.missing"],
        },
        network_policy,
        chunk_size=1,
    )
    assert run.items[0]["fields"] == {
        "path": "/items/1",
        "data.items.1.id": 2,
        "data.missing": None,
    }


async def test_429_is_retried_after_the_retry_after_delay(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    run = await run_all(
        api_integration,
        {
            "requests": [{"url": f"{http_server.base_url}/flaky/a?fails=1&retry_after=1"}],
            **FAST_RETRIES,
        },
        network_policy,
        chunk_size=1,
    )
    assert run.items[0]["status"] == 200
    assert run.items[0]["attempts"] == 2
    first, second = http_server.log.for_path("/flaky/a")
    assert second.at - first.at >= 0.95


async def test_5xx_is_retried_with_backoff_until_it_succeeds(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    run = await run_all(
        api_integration,
        {"requests": [{"url": f"{http_server.base_url}/unavailable/b?fails=2"}], **FAST_RETRIES},
        network_policy,
        chunk_size=1,
    )
    assert run.items[0]["status"] == 200
    assert run.items[0]["attempts"] == 3


async def test_retries_stop_at_max_retries_and_the_last_status_is_reported(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    run = await run_all(
        api_integration,
        {
            "requests": [{"url": f"{http_server.base_url}/unavailable/c?fails=99"}],
            "max_retries": 2,
            **FAST_RETRIES,
        },
        network_policy,
        chunk_size=1,
    )
    assert run.items[0]["status"] == 503
    assert run.items[0]["attempts"] == 3
    assert run.result["failed"] == 1


async def test_connection_errors_are_retried_then_reported(
    network_policy: ExecutionPolicy,
) -> None:
    with LocalServer() as server:
        closed_url = f"{server.base_url}/gone"
    run = await run_all(
        api_integration,
        {"requests": [{"url": closed_url}], "max_retries": 1, **FAST_RETRIES},
        network_policy,
        chunk_size=1,
    )
    assert run.items[0]["error"]["code"] == "connection_error"
    assert run.items[0]["attempts"] == 2


async def test_non_get_requests_carry_a_stable_idempotency_key(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    raw = {
        "requests": [
            {"method": "GET", "url": f"{http_server.base_url}/items/0"},
            {
                "method": "POST",
                "url": f"{http_server.base_url}/flaky/p?fails=1",
                "json_body": {"n": 1},
            },
        ],
        **FAST_RETRIES,
    }
    await run_chunk(
        api_integration,
        parse_input(api_integration, raw),
        {"next_index": 0, "succeeded": 0, "failed": 0, "by_status": {}, "not_before": 0.0},
        4,
        network_policy,
        10,
        operation_id="op-42",
    )
    get = http_server.log.for_path("/items/0")[0]
    posts = http_server.log.for_path("/flaky/p")
    assert "Idempotency-Key" not in get.headers
    assert [seen.headers["Idempotency-Key"] for seen in posts] == ["op-42:4:1", "op-42:4:1"]
    assert json.loads(posts[0].body) == {"n": 1}


async def test_a_url_template_is_filled_from_records_with_quoting(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    records: list[dict[str, Any]] = [{"name": "a b"}, {"name": "x/y"}, {"name": "ok"}]
    run = await run_all(
        api_integration,
        {"url_template": f"{http_server.base_url}/users/{{name}}", "records": records},
        network_policy,
        chunk_size=2,
    )
    assert sorted(seen.path for seen in http_server.log.requests) == [
        "/users/a%20b",
        "/users/ok",
        "/users/x%2Fy",
    ]
    assert run.result["succeeded"] == 3


async def test_concurrency_never_exceeds_the_bound(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    await run_all(
        api_integration,
        {
            "requests": [{"url": f"{http_server.base_url}/slow/{n}?ms=300"} for n in range(9)],
            "concurrency": 3,
        },
        network_policy,
        chunk_size=9,
    )
    assert http_server.log.max_in_flight == 3


async def test_the_rate_limit_spaces_request_starts(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    await run_all(
        api_integration,
        {
            "requests": [{"url": f"{http_server.base_url}/items/{n}"} for n in range(6)],
            "rate_limit_per_second": 10,
            "concurrency": 6,
        },
        network_policy,
        chunk_size=3,
    )
    times = sorted(seen.at for seen in http_server.log.requests)
    # Six starts at 10 per second span at least five intervals of 0.1 s, across both chunks;
    # the slack absorbs the first request arriving late.
    assert times[-1] - times[0] >= 0.4


async def test_redirects_are_followed(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    run = await run_all(
        api_integration,
        {
            "requests": [{"url": f"{http_server.base_url}/redirect?to=/items/9"}],
            "select_fields": ["path"],
        },
        network_policy,
        chunk_size=1,
    )
    assert run.items[0]["fields"] == {"path": "/items/9"}


async def test_a_redirect_to_a_refused_address_is_reported_not_followed(
    http_server: LocalServer,
) -> None:
    async def only_this_server_is_private_but_allowed(url: str, policy: ExecutionPolicy) -> None:
        if not url.startswith(http_server.base_url):
            await check_url_allowed(url, policy)

    settings = parse_input(api_integration, {"requests": [{"url": "http://unused/"}]})
    async with httpx.AsyncClient() as client:
        sender = Sender(
            client,
            settings,
            ExecutionPolicy(),
            RatePacer(None, 0.0),
            url_check=only_this_server_is_private_but_allowed,
        )
        target = "http://169.254.169.254/latest/meta-data"
        item = await sender.send(
            0, HttpRequest(url=f"{http_server.base_url}/redirect?to={target}"), "key"
        )
    assert item["error"]["code"] == "access_denied"
    assert "169.254.169.254" in item["error"]["message"]
    assert len(http_server.log.requests) == 1


async def test_credentials_are_not_forwarded_to_another_host_on_redirect(
    http_server: LocalServer, network_policy: ExecutionPolicy
) -> None:
    port = http_server.base_url.rsplit(":", 1)[1]
    await run_all(
        api_integration,
        {
            "requests": [
                {
                    "url": f"{http_server.base_url}/redirect?to=http://localhost:{port}/items/1",
                    "headers": {"Authorization": "Bearer secret", "X-Trace": "t1"},
                }
            ]
        },
        network_policy,
        chunk_size=1,
    )
    first, second = http_server.log.requests
    assert first.headers["Authorization"] == "Bearer secret"
    assert "Authorization" not in second.headers
    assert second.headers["X-Trace"] == "t1"
