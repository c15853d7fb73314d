"""Subscribing to an operation's resource: ``notifications/resources/updated`` as it changes.

Both wires, over stdio and HTTP with the official Python client: ``subscriptions/listen``
(2026-07-28, what the client speaks by default) and ``resources/subscribe`` (the
initialize-handshake protocol, ``mode="legacy"``, what the TypeScript SDK 1.x sends).
Each test waits for a notification after a change it made, so no timing is assumed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp_types import ResourceUpdatedNotification

from tests.mcp.conftest import ConnectFactory
from tests.mcp.helpers import call

pytestmark = pytest.mark.filterwarnings(
    "ignore:resources/(un)?subscribe is removed as of 2026-07-28"
)
NOTIFICATION_DEADLINE_S = 30.0
STEPS = ["read a.py", "read b.py", "write the report"]

NextUpdate = Callable[[], Awaitable[str]]
"""Waits for the next ``resources/updated`` and returns its URI."""


def operation_uri(operation_id: str) -> str:
    return f"agent-tools://operations/{operation_id}"


async def read_view(client: Client, uri: str) -> dict[str, Any]:
    read = await client.read_resource(uri)
    view: dict[str, Any] = json.loads(read.contents[0].text)
    return view


@asynccontextmanager
async def listening(client: Client, uri: str) -> AsyncIterator[NextUpdate]:
    """A ``subscriptions/listen`` stream on ``uri``."""
    async with client.listen(resource_subscriptions=[uri]) as subscription:
        assert subscription.honored.resource_subscriptions == [uri]
        events = aiter(subscription)

        async def next_update() -> str:
            event = await asyncio.wait_for(anext(events), NOTIFICATION_DEADLINE_S)
            return str(getattr(event, "uri", event))

        yield next_update


@asynccontextmanager
async def legacy_client(
    connect: ConnectFactory,
) -> AsyncIterator[tuple[Client, asyncio.Queue[str]]]:
    """A client on the initialize handshake, with the URIs of its ``resources/updated``."""
    updates: asyncio.Queue[str] = asyncio.Queue()

    async def on_message(message: Any) -> None:
        if isinstance(message, ResourceUpdatedNotification):
            updates.put_nowait(str(message.params.uri))

    options = {"mode": "legacy", "message_handler": on_message}
    async with connect(client_options=options) as client:
        yield client, updates


async def start_agent_task(client: Client) -> str:
    started = await call(
        client,
        "execute_incrementally",
        operation_type="agent_task",
        input={"goal": "review two files", "steps": STEPS},
    )
    return str(started["operation_id"])


async def record_each_step(client: Client, operation_id: str, next_update: NextUpdate) -> None:
    """Record the steps one by one; after each, the update must arrive and show the step done."""
    uri = operation_uri(operation_id)
    for done, step in enumerate(STEPS, start=1):
        await call(
            client,
            "record_progress",
            operation_id=operation_id,
            completed_steps=[step],
            completed=done == len(STEPS),
        )
        assert await next_update() == uri
        view = await read_view(client, uri)
        assert view["progress"]["current_step"] == done
    assert view["status"] == "completed"


async def test_a_listen_stream_hears_each_recorded_step(connect: ConnectFactory) -> None:
    async with connect() as client:
        assert client.session.protocol_version == "2026-07-28"
        operation_id = await start_agent_task(client)
        async with listening(client, operation_uri(operation_id)) as next_update:
            await record_each_step(client, operation_id, next_update)


async def test_resources_subscribe_hears_each_recorded_step(connect: ConnectFactory) -> None:
    async with legacy_client(connect) as (client, updates):
        capabilities = client.session.server_capabilities
        assert capabilities is not None and capabilities.resources is not None
        assert capabilities.resources.subscribe is True
        operation_id = await start_agent_task(client)
        await client.subscribe_resource(operation_uri(operation_id))

        async def next_update() -> str:
            return await asyncio.wait_for(updates.get(), NOTIFICATION_DEADLINE_S)

        await record_each_step(client, operation_id, next_update)


async def test_chunks_a_resume_runs_are_announced_up_to_the_end(connect: ConnectFactory) -> None:
    """Chunks the server runs: the update for the final commit shows the operation completed."""
    async with legacy_client(connect) as (client, updates):
        started = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 6, "items_per_chunk": 1, "chunk_delay_ms": 20},
            budget_ms=0,
        )
        assert started["status"] != "completed"
        uri = operation_uri(started["operation_id"])
        await client.subscribe_resource(uri)
        finished = await call(
            client, "resume", operation_id=started["operation_id"], budget_ms=60_000
        )
        assert finished["status"] == "completed"
        view = {"status": started["status"]}
        while view["status"] != "completed":
            assert await asyncio.wait_for(updates.get(), NOTIFICATION_DEADLINE_S) == uri
            view = await read_view(client, uri)
    assert view["progress"]["current_step"] == 6


async def test_after_unsubscribe_no_update_arrives(connect: ConnectFactory) -> None:
    """Unsubscribed from one operation, still subscribed to another: only the other is heard."""
    async with legacy_client(connect) as (client, updates):
        dropped, kept = await start_agent_task(client), await start_agent_task(client)
        await client.subscribe_resource(operation_uri(dropped))
        await client.subscribe_resource(operation_uri(kept))
        await client.unsubscribe_resource(operation_uri(dropped))
        await call(client, "record_progress", operation_id=dropped, completed_steps=[STEPS[0]])
        await call(client, "record_progress", operation_id=kept, completed_steps=[STEPS[0]])
        first = await asyncio.wait_for(updates.get(), NOTIFICATION_DEADLINE_S)
    assert first == operation_uri(kept)
    assert updates.empty()


@pytest.mark.parametrize(
    ("uri", "code"),
    [
        ("agent-tools://operations/op-missing", "operation_not_found"),
        ("file:///etc/passwd", "Unknown resource"),
    ],
)
async def test_subscribing_to_what_is_no_operation_is_refused(
    connect: ConnectFactory, uri: str, code: str
) -> None:
    async with legacy_client(connect) as (client, _updates):
        with pytest.raises(MCPError, match=code):
            await client.subscribe_resource(uri)
