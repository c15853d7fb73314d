"""Every tool over stdio and streamable HTTP, with structured output valid against its schema."""

from __future__ import annotations

import json

from tests.mcp.conftest import ConnectFactory, structured, tool_error
from tests.mcp.helpers import call, output_validators, resume_until_done

CATALOG_TOOLS = {
    "execute_incrementally",
    "get_progress",
    "resume",
    "provide_input",
    "get_results",
    "pause",
    "cancel",
    "list_operations",
    "describe_operation_types",
    "record_progress",
}


async def test_every_tool_is_listed_with_a_description_and_input_and_output_schemas(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) >= CATALOG_TOOLS
    for tool in tools.values():
        assert tool.description
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"


async def test_execute_incrementally_offers_the_registered_types_as_an_enum(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    execute = tools["execute_incrementally"]
    enum = execute.input_schema["properties"]["operation_type"]["enum"]
    assert {"counter", "slow_chunks"} <= set(enum)
    assert "counter" in (execute.description or "")


async def test_initialisation_teaches_the_resume_pattern(connect: ConnectFactory) -> None:
    async with connect() as client:
        instructions = client.instructions or ""
    assert "execute_incrementally" in instructions
    assert "resume" in instructions and "next_step" in instructions


async def test_a_run_across_calls_returns_every_item_once_and_valid_structured_output(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        validators = await output_validators(client)
        first = structured(
            await client.call_tool(
                "execute_incrementally",
                {
                    "operation_type": "counter",
                    "input": {"total_items": 30, "items_per_chunk": 3, "chunk_delay_ms": 40},
                    "budget_ms": 150,
                },
            )
        )
        validators["execute_incrementally"].validate(first)
        operation_id = first["operation_id"]
        assert first["status"] in ("paused", "running", "completed")
        last, items = await resume_until_done(client, first, budget_ms=150)
        for tool, arguments in [
            ("resume", {"operation_id": operation_id}),
            ("get_progress", {"operation_id": operation_id}),
            ("get_results", {"operation_id": operation_id, "limit": 5}),
            ("list_operations", {"operation_type": "counter"}),
            ("describe_operation_types", {}),
        ]:
            validators[tool].validate(await call(client, tool, **arguments))
    assert [item["output"]["n"] for item in items] == list(range(1, 31))
    assert [item["seq"] for item in items] == list(range(1, 31))
    assert last["result"] == {"count": 30}


async def test_get_progress_reports_status_and_progress_without_items(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        started = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 10, "items_per_chunk": 2},
            budget_ms=0,
        )
        view = await call(client, "get_progress", operation_id=started["operation_id"])
    assert view["operation_id"] == started["operation_id"]
    assert view["items"] == []
    assert view["progress"]["total_steps"] == 10


async def test_get_results_pages_the_result_log_by_cursor(connect: ConnectFactory) -> None:
    async with connect() as client:
        done = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 12, "items_per_chunk": 12},
            budget_ms=30_000,
        )
        assert done["status"] == "completed"
        seen: list[int] = []
        cursor = None
        while True:
            page = await call(
                client, "get_results", operation_id=done["operation_id"], cursor=cursor, limit=5
            )
            assert len(page["items"]) <= 5
            seen += [item["output"]["n"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
    assert seen == list(range(1, 13))


async def test_pause_then_resume_continues_from_the_checkpoint(connect: ConnectFactory) -> None:
    async with connect() as client:
        started = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 8, "items_per_chunk": 1, "chunk_delay_ms": 100},
            mode="background",
            budget_ms=250,
        )
        paused = await call(client, "pause", operation_id=started["operation_id"])
        assert paused["status"] == "paused"
        at_pause = paused["progress"]["current_step"]
        resumed, items = await resume_until_done(client, started)
    assert resumed["result"] == {"count": 8}
    assert at_pause < 8
    assert [item["output"]["n"] for item in items] == list(range(1, 9))


async def test_cancel_stops_an_operation_for_good(connect: ConnectFactory) -> None:
    async with connect() as client:
        started = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 100, "items_per_chunk": 1},
            budget_ms=0,
        )
        cancelled = await call(
            client, "cancel", operation_id=started["operation_id"], reason="not needed"
        )
        after = await call(client, "resume", operation_id=started["operation_id"])
        listed = await call(client, "list_operations", status="cancelled")
    assert cancelled["status"] == "cancelled"
    assert after["status"] == "cancelled"
    assert after["progress"]["current_step"] == cancelled["progress"]["current_step"]
    assert [row["operation_id"] for row in listed["operations"]] == [started["operation_id"]]


async def test_list_operations_filters_by_type_and_pages(connect: ConnectFactory) -> None:
    async with connect() as client:
        for _ in range(3):
            await call(
                client,
                "execute_incrementally",
                operation_type="counter",
                input={"total_items": 1},
                budget_ms=0,
            )
        await call(
            client,
            "execute_incrementally",
            operation_type="slow_chunks",
            input={"chunks": 1, "chunk_ms": 0},
            budget_ms=0,
        )
        first = await call(client, "list_operations", operation_type="counter", limit=2)
        second = await call(
            client,
            "list_operations",
            operation_type="counter",
            limit=2,
            cursor=first["next_cursor"],
        )
    assert first["has_more"] and len(first["operations"]) == 2
    assert len(second["operations"]) == 1 and not second["has_more"]
    rows = first["operations"] + second["operations"]
    assert {row["operation_type"] for row in rows} == {"counter"}


async def test_describe_operation_types_gives_each_input_schema(connect: ConnectFactory) -> None:
    async with connect() as client:
        described = await call(client, "describe_operation_types")
    types = {info["name"]: info for info in described["operation_types"]}
    assert "total_items" in types["counter"]["input_schema"]["properties"]
    assert types["counter"]["agent_driven"] is False


async def test_record_progress_checkpoints_an_agent_task_that_resume_hands_back(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        started = await call(
            client,
            "execute_incrementally",
            operation_type="agent_task",
            input={"goal": "review three files", "steps": ["a.py", "b.py", "c.py"]},
        )
        recorded = await call(
            client,
            "record_progress",
            operation_id=started["operation_id"],
            completed_steps=["a.py"],
            state={"findings": 1},
            notes="a.py has one bug",
        )
        resumed = await call(client, "resume", operation_id=started["operation_id"])
    assert recorded["agent_task"]["steps_done"] == ["a.py"]
    assert resumed["agent_task"]["saved_state"] == {"findings": 1}
    assert resumed["agent_task"]["steps_remaining"] == ["b.py", "c.py"]
    assert "b.py" in resumed["next_step"]


async def test_text_content_has_a_summary_and_the_whole_result(connect: ConnectFactory) -> None:
    async with connect() as client:
        result = await client.call_tool(
            "execute_incrementally",
            {"operation_type": "counter", "input": {"total_items": 3, "items_per_chunk": 3}},
        )
    summary, full = result.content[0].text, result.content[1].text
    assert result.structured_content is not None
    assert result.structured_content["operation_id"] in summary
    assert "Next:" in summary
    assert json.loads(full) == result.structured_content


async def test_provide_input_answers_an_operation_that_asked_and_it_finishes(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        asked = await call(
            client, "execute_incrementally", operation_type="approval", input={"plan": "print"}
        )
        [(key, question)] = asked["input_requests"].items()
        refused = await client.call_tool(
            "provide_input",
            {"operation_id": asked["operation_id"], "responses": {key: {"content": {"copies": 0}}}},
        )
        still_waiting = await call(client, "get_progress", operation_id=asked["operation_id"])
        done = await call(
            client,
            "provide_input",
            operation_id=asked["operation_id"],
            responses={key: {"action": "accept", "content": {"copies": 3}}},
        )
    assert asked["status"] == "paused" and "provide_input" in asked["next_step"]
    assert question["message"] == "Approve: print?"
    assert question["requested_schema"]["required"] == ["copies"]
    error = tool_error(refused)
    assert error["code"] == "invalid_input" and "minimum" in error["message"]
    assert still_waiting["input_requests"].keys() == {key}
    assert done["status"] == "completed"
    assert done["result"] == {"approved": 3}
    assert [item["output"] for item in done["items"]] == [{"copies": 3}]
