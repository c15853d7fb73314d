"""Operations are readable as MCP resources at agent-tools://operations/{operation_id}."""

from __future__ import annotations

import json

import pytest
from mcp import MCPError

from tests.mcp.conftest import ConnectFactory
from tests.mcp.helpers import call


async def test_the_operation_template_is_listed(connect: ConnectFactory) -> None:
    async with connect() as client:
        templates = (await client.list_resource_templates()).resource_templates
    assert [template.uri_template for template in templates] == [
        "agent-tools://operations/{operation_id}"
    ]


async def test_reading_an_operation_resource_gives_its_view(connect: ConnectFactory) -> None:
    async with connect() as client:
        started = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 4, "items_per_chunk": 4},
            budget_ms=30_000,
        )
        uri = f"agent-tools://operations/{started['operation_id']}"
        listed = [str(resource.uri) for resource in (await client.list_resources()).resources]
        read = await client.read_resource(uri)
    view = json.loads(read.contents[0].text)
    assert uri in listed
    assert view["operation_id"] == started["operation_id"]
    assert view["status"] == "completed"


async def test_reading_an_unknown_operation_is_an_error(connect: ConnectFactory) -> None:
    async with connect() as client:
        with pytest.raises(MCPError, match="operation_not_found"):
            await client.read_resource("agent-tools://operations/op-missing")
