"""Bad inputs come back as tool errors with a code and a hint, and store nothing."""

from __future__ import annotations

from typing import Any

from mcp import Client

from tests.mcp.conftest import ConnectFactory, tool_error
from tests.mcp.helpers import call


async def stored_operations(client: Client) -> list[dict[str, Any]]:
    listed = await call(client, "list_operations", limit=200)
    return list(listed["operations"])


async def test_an_unknown_operation_type_is_refused_and_nothing_is_stored(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        result = await client.call_tool(
            "execute_incrementally", {"operation_type": "no_such_type", "input": {}}
        )
        error = tool_error(result)
        assert await stored_operations(client) == []
    assert error["code"] == "unknown_operation_type"
    assert "counter" in error["hint"]


async def test_input_of_the_wrong_shape_is_refused_and_nothing_is_stored(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        result = await client.call_tool(
            "execute_incrementally",
            {"operation_type": "counter", "input": {"total_items": "many"}},
        )
        error = tool_error(result)
        assert await stored_operations(client) == []
    assert error["code"] == "invalid_input"
    assert "total_items" in error["message"]


async def test_tool_arguments_missing_a_required_field_are_an_invalid_input_error(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        error = tool_error(await client.call_tool("execute_incrementally", {"input": {}}))
        assert await stored_operations(client) == []
    assert error["code"] == "invalid_input"
    assert "operation_type" in error["message"]
    assert error["hint"]


async def test_an_unknown_operation_id_is_operation_not_found(connect: ConnectFactory) -> None:
    async with connect() as client:
        errors = [
            tool_error(await client.call_tool(tool, {"operation_id": "op-missing"}))
            for tool in ("get_progress", "resume", "get_results", "pause", "cancel")
        ]
    assert {error["code"] for error in errors} == {"operation_not_found"}
    assert all("list_operations" in error["hint"] for error in errors)


async def test_an_illegal_transition_is_refused_and_leaves_the_status_alone(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        done = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 2, "items_per_chunk": 2},
            budget_ms=30_000,
        )
        assert done["status"] == "completed"
        error = tool_error(await client.call_tool("pause", {"operation_id": done["operation_id"]}))
        after = await call(client, "get_progress", operation_id=done["operation_id"])
    assert error["code"] == "illegal_transition"
    assert error["hint"]
    assert after["status"] == "completed"


async def test_reusing_an_operation_id_for_different_work_is_a_conflict(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 5},
            operation_id="job-1",
            budget_ms=0,
        )
        error = tool_error(
            await client.call_tool(
                "execute_incrementally",
                {
                    "operation_type": "counter",
                    "input": {"total_items": 6},
                    "operation_id": "job-1",
                },
            )
        )
        stored = await stored_operations(client)
    assert error["code"] == "operation_conflict"
    assert len(stored) == 1


async def test_an_unknown_tool_is_an_error_naming_the_real_tools(connect: ConnectFactory) -> None:
    async with connect() as client:
        error = tool_error(await client.call_tool("run_forever", {}))
    assert error["code"] == "unknown_tool"
    assert "execute_incrementally" in error["hint"]
