"""Resource subscriptions: ``notifications/resources/updated`` as an operation changes.

Clients subscribe in one of two ways, and both are served from the same watches:

- up to protocol 2025-11-25 (the TypeScript SDK 1.x, most hosts): ``resources/subscribe``
  and ``resources/unsubscribe``; the notification goes out on the connection's own
  channel (stdio, or the HTTP session's GET stream) until it unsubscribes or closes;
- 2026-07-28 (the Python SDK 2.x by default): ``subscriptions/listen`` with the URIs in
  ``resource_subscriptions``; the SDK's listen handler delivers the events from a bus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcp.server.connection import Connection
from mcp.server.context import ServerRequestContext
from mcp.server.subscriptions import InMemorySubscriptionBus, ListenHandler, ResourceUpdated
from mcp_types import (
    EmptyResult,
    SubscribeRequestParams,
    SubscriptionsListenRequestParams,
    SubscriptionsListenResult,
    UnsubscribeRequestParams,
)

from agent_tools.core.errors import AgentToolsError
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.operation_watches import OperationWatches
from agent_tools.surfaces.mcp.resources import (
    operation_id_of,
    operation_uri,
    parse_operation_uri,
    resource_error,
)

Context = ServerRequestContext[Any, Any]
Release = Callable[[], None]
CONNECTION_STATE_KEY = "agent_tools.resource_subscriptions"


class ResourceSubscriptions:
    """Serves both subscription wires and sends each operation change to whoever subscribed."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._watches = OperationWatches(engine, self._announce)
        self._bus = InMemorySubscriptionBus()
        self._listen = ListenHandler(self._bus)
        self._subscribers: dict[str, set[Connection]] = {}

    async def subscribe(self, context: Context, params: SubscribeRequestParams) -> EmptyResult:
        """``resources/subscribe``: refused for a URI naming no operation, idempotent otherwise."""
        uri = str(params.uri)
        operation_id = operation_id_of(uri)
        await self._check_visible(uri, operation_id)
        connection = connection_of(context)
        held = self._held_by(connection)
        if uri not in held:
            held[uri] = self._watches.acquire(operation_id)
            self._subscribers.setdefault(uri, set()).add(connection)
        return EmptyResult()

    async def unsubscribe(self, context: Context, params: UnsubscribeRequestParams) -> EmptyResult:
        """``resources/unsubscribe``: ends the connection's subscription, if it had one."""
        uri = str(params.uri)
        connection = connection_of(context)
        release = self._held_by(connection).pop(uri, None)
        if release is not None:
            self._forget(connection, uri, release)
        return EmptyResult()

    async def listen(
        self, context: Context, params: SubscriptionsListenRequestParams
    ) -> SubscriptionsListenResult:
        """``subscriptions/listen``: watch the listed operations while the stream is open."""
        uris = params.notifications.resource_subscriptions or []
        watched = {uri: parse_operation_uri(uri) for uri in uris}
        operation_ids = {each for each in watched.values() if each is not None}
        for uri, operation_id in watched.items():
            if operation_id is not None:
                await self._check_visible(uri, operation_id)
        releases = [self._watches.acquire(each) for each in operation_ids]
        try:
            return await self._listen(context, params)
        finally:
            for release in releases:
                release()

    async def _check_visible(self, uri: str, operation_id: str) -> None:
        """Refuse an operation the caller may not see (or that does not exist) as a resource error.

        A notification says when another principal's operation moves: no oracle either.
        """
        try:
            await self._engine.wait_for_change(operation_id)
        except AgentToolsError as error:
            raise resource_error(uri, error) from error

    def watching(self) -> set[str]:
        """The operation ids being watched for someone (for tests and diagnostics)."""
        return self._watches.watching()

    async def close(self) -> None:
        """End every listen stream and stop every watch."""
        self._listen.close()
        await self._watches.close()

    async def _announce(self, operation_id: str) -> None:
        uri = operation_uri(operation_id)
        await self._bus.publish(ResourceUpdated(uri=uri))
        for connection in list(self._subscribers.get(uri, ())):
            # Never raises: a notification for a closed stream is dropped by the SDK.
            await connection.send_resource_updated(uri)

    def _held_by(self, connection: Connection) -> dict[str, Release]:
        """The connection's subscriptions by URI; the first use arranges their end with it."""
        held: dict[str, Release] | None = connection.state.get(CONNECTION_STATE_KEY)
        if held is None:
            held = {}
            connection.state[CONNECTION_STATE_KEY] = held
            connection.exit_stack.callback(self._drop_connection, connection)
        return held

    def _drop_connection(self, connection: Connection) -> None:
        held: dict[str, Release] = connection.state.pop(CONNECTION_STATE_KEY, {})
        for uri, release in held.items():
            self._forget(connection, uri, release)

    def _forget(self, connection: Connection, uri: str, release: Release) -> None:
        release()
        subscribers = self._subscribers.get(uri, set())
        subscribers.discard(connection)
        if not subscribers:
            self._subscribers.pop(uri, None)


def connection_of(context: Context) -> Connection:
    """The connection a request came on, which outlives the request.

    The SDK (2.3) hands low-level handlers a per-request session that holds the
    connection but does not expose it; its state and exit stack are what tie a
    ``resources/subscribe`` to the life of the client's connection.
    """
    connection: Connection = context.session._connection
    return connection
