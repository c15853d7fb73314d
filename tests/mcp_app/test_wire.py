"""What MCP clients see of the operation app, with and without the Apps extension."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from mcp.shared.exceptions import MCPError

from agent_tools.surfaces.mcp.app.resource import APP_URI
from tests.mcp.conftest import FIXTURES, structured, tool_error
from tests.mcp_app.conftest import ConnectFactory

VIEW_TOOLS = {"execute_incrementally", "resume", "get_progress"}


def _tools_by_name(listing: Any) -> dict[str, Any]:
    return {tool.name: tool for tool in listing.tools}


async def test_a_client_with_apps_sees_the_app_on_the_tools_that_return_an_operation(
    connect: ConnectFactory,
) -> None:
    async with connect(apps=True) as client:
        tools = _tools_by_name(await client.list_tools())
    for name in VIEW_TOOLS:
        assert tools[name].meta["ui"] == {"resourceUri": APP_URI}
    assert tools["list_operations"].meta is None or "ui" not in tools["list_operations"].meta
    latest = tools["get_latest_results"]
    assert latest.meta["ui"] == {"resourceUri": APP_URI, "visibility": ["app"]}


async def test_a_client_without_apps_gets_exactly_the_tools_of_a_server_without_the_app(
    connect: ConnectFactory,
) -> None:
    async with connect(apps=False) as client:
        plain = await client.list_tools()
    async with connect("--no-app", apps=False) as client:
        without_app = await client.list_tools()
    assert plain.model_dump() == without_app.model_dump()
    assert all(tool.meta is None or "ui" not in tool.meta for tool in plain.tools)
    assert "get_latest_results" not in _tools_by_name(plain)


async def test_no_app_turns_the_app_off_even_for_a_client_with_apps(
    connect: ConnectFactory,
) -> None:
    async with connect("--no-app", apps=True) as client:
        tools = await client.list_tools()
        resources = await client.list_resources()
        with pytest.raises(MCPError):
            await client.read_resource(APP_URI)
    assert all(tool.meta is None or "ui" not in tool.meta for tool in tools.tools)
    assert APP_URI not in {str(resource.uri) for resource in resources.resources}


async def test_the_environment_setting_turns_the_app_off(connect: ConnectFactory) -> None:
    async with connect(apps=True, AGENT_TOOLS_NO_APP="1") as client:
        tools = _tools_by_name(await client.list_tools())
    assert "get_latest_results" not in tools
    assert tools["get_progress"].meta is None or "ui" not in tools["get_progress"].meta


async def test_the_app_resource_is_self_contained_html_with_a_strict_csp(
    connect: ConnectFactory,
) -> None:
    async with connect(apps=True) as client:
        listed = await client.list_resources()
        read = await client.read_resource(APP_URI)
    entry = next(resource for resource in listed.resources if str(resource.uri) == APP_URI)
    assert entry.mime_type == APP_MIME_TYPE
    (content,) = read.contents
    assert content.mime_type == APP_MIME_TYPE
    assert content.meta["ui"]["csp"] == {
        "connectDomains": [],
        "resourceDomains": [],
        "frameDomains": [],
    }
    html = content.text.lower()
    assert html.lstrip().startswith("<!doctype html>")
    # One inline script and one inline style; nothing the page would load from elsewhere.
    assert html.count("<script") == 1 and "<script>" in html
    for loading in ("<script src", "<link", "<img", "<iframe", "@import"):
        assert loading not in html


async def test_a_client_without_apps_lists_no_app_resource_and_cannot_read_it(
    connect: ConnectFactory,
) -> None:
    async with connect(apps=False) as client:
        listed = await client.list_resources()
        with pytest.raises(MCPError):
            await client.read_resource(APP_URI)
    assert APP_URI not in {str(resource.uri) for resource in listed.resources}


async def test_tool_results_are_the_same_with_and_without_apps(connect: ConnectFactory) -> None:
    arguments = {"operation_type": "counter", "input": {"total_items": 3}, "operation_id": "c-1"}
    async with connect(apps=True) as client:
        with_app = await client.call_tool("execute_incrementally", arguments)
        progress_with_app = await client.call_tool("get_progress", {"operation_id": "c-1"})
    async with connect(apps=False) as client:
        without_app = await client.call_tool("get_progress", {"operation_id": "c-1"})
    assert structured(with_app)["status"] == "completed"
    assert progress_with_app.content == without_app.content
    assert progress_with_app.structured_content == without_app.structured_content


async def test_the_app_only_tool_returns_the_newest_items(connect: ConnectFactory) -> None:
    arguments = {"operation_type": "counter", "input": {"total_items": 12}, "operation_id": "c-2"}
    async with connect(apps=True) as client:
        await client.call_tool("execute_incrementally", arguments)
        latest = structured(
            await client.call_tool("get_latest_results", {"operation_id": "c-2", "limit": 3})
        )
        refused = tool_error(
            await client.call_tool("get_latest_results", {"operation_id": "c-2", "limit": 0})
        )
        unknown = tool_error(await client.call_tool("get_latest_results", {"operation_id": "nope"}))
    assert [item["output"]["n"] for item in latest["items"]] == [10, 11, 12]
    assert latest["items_total"] == 12
    assert refused["code"] == "invalid_input"
    assert unknown["code"] == "operation_not_found"


async def test_a_client_without_apps_cannot_call_the_app_only_tool(
    connect: ConnectFactory,
) -> None:
    async with connect(apps=False) as client:
        result = await client.call_tool("get_latest_results", {"operation_id": "x"})
    assert tool_error(result)["code"] == "unknown_tool"


async def test_the_server_advertises_the_extension_in_its_capabilities(
    connect: ConnectFactory,
) -> None:
    async with connect(apps=False) as client:
        capabilities = client.server_capabilities
    assert capabilities.extensions is not None
    assert capabilities.extensions[EXTENSION_ID] == {}


@pytest.mark.parametrize("transport", ["http"])
async def test_a_handshake_era_client_with_apps_sees_the_app_too(connect: ConnectFactory) -> None:
    async with connect(apps=True, mode="legacy") as client:
        tools = _tools_by_name(await client.list_tools())
    assert tools["resume"].meta["ui"] == {"resourceUri": APP_URI}


@pytest.mark.parametrize("transport", ["http"])
async def test_the_per_type_tools_point_at_the_app_too(connect: ConnectFactory) -> None:
    conformance_ops = str(FIXTURES / "conformance_ops.py")
    async with connect("--expose-operation-tools", apps=True, ops=(conformance_ops,)) as client:
        tools = _tools_by_name(await client.list_tools())
    assert tools["slow_compute"].meta["ui"] == {"resourceUri": APP_URI}
    assert tools["execute_incrementally"].meta["ui"] == {"resourceUri": APP_URI}
