"""Responses stay small with 100,000 result items: bounded by count and bytes, paged by cursor."""

from __future__ import annotations

import json

from mcp import Client

from tests.mcp.conftest import ConnectFactory, structured
from tests.mcp.helpers import call

TOTAL = 100_000
DEFAULT_MAX_BYTES = 32 * 1024
HARD_CAP_BYTES = 1024 * 1024


def items_bytes(view: dict[str, object]) -> int:
    items = view["items"]
    assert isinstance(items, list)
    return sum(len(json.dumps(item["output"], separators=(",", ":"))) for item in items)


async def run_large(client: Client, payload_bytes: int) -> dict[str, object]:
    view = await call(
        client,
        "execute_incrementally",
        operation_type="counter",
        input={"total_items": TOTAL, "items_per_chunk": 10_000, "payload_bytes": payload_bytes},
        budget_ms=60_000,
    )
    while view["status"] != "completed":
        view = await call(client, "resume", operation_id=view["operation_id"], budget_ms=60_000)
    return view


async def test_a_response_over_100000_items_is_bounded_and_pages_on(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        done = await run_large(client, payload_bytes=0)
        raw = await client.call_tool("get_results", {"operation_id": done["operation_id"]})
        page = structured(raw)
        following = await call(
            client, "get_results", operation_id=done["operation_id"], cursor=page["next_cursor"]
        )
    response_bytes = len(raw.model_dump_json())
    assert done["items_total"] == TOTAL
    assert 0 < len(page["items"]) < 1000 and page["has_more"]
    assert items_bytes(page) <= DEFAULT_MAX_BYTES
    assert response_bytes < 4 * DEFAULT_MAX_BYTES < HARD_CAP_BYTES
    assert following["items"][0]["seq"] == page["items"][-1]["seq"] + 1


async def test_large_items_are_bounded_by_bytes_not_only_by_count(
    connect: ConnectFactory,
) -> None:
    async with connect("--response-max-bytes", "8192") as client:
        done = await run_large(client, payload_bytes=1000)
        page = await call(client, "get_results", operation_id=done["operation_id"])
    assert 1 <= len(page["items"]) <= 8
    assert items_bytes(page) <= 8192
    assert page["has_more"]
