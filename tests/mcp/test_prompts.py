"""Prompts (slash commands in hosts) and argument completion, over stdio and HTTP."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import PromptReference, ResourceTemplateReference, TextContent

from tests.mcp.conftest import ConnectFactory
from tests.mcp.helpers import call, resume_until_done


def prompt_text(result: object) -> str:
    messages = result.messages  # type: ignore[attr-defined]
    assert len(messages) == 1 and isinstance(messages[0].content, TextContent)
    return str(messages[0].content.text)


async def paused_counter(client: Client, operation_id: str) -> None:
    await call(
        client,
        "execute_incrementally",
        operation_type="counter",
        operation_id=operation_id,
        input={"total_items": 500, "chunk_delay_ms": 5},
        budget_ms=50,
    )


async def test_the_three_prompts_are_listed_with_their_arguments(connect: ConnectFactory) -> None:
    async with connect() as client:
        assert client.server_capabilities.prompts is not None
        assert client.server_capabilities.completions is not None
        listed = {prompt.name: prompt for prompt in (await client.list_prompts()).prompts}
    assert set(listed) == {"start_long_task", "resume_operation", "report_on_operation"}
    assert [argument.name for argument in listed["resume_operation"].arguments or []] == [
        "operation_id"
    ]


async def test_start_long_task_teaches_the_slice_pattern(connect: ConnectFactory) -> None:
    async with connect() as client:
        result = await client.get_prompt(
            "start_long_task", {"task": "count to a million", "operation_type": "counter"}
        )
    text = prompt_text(result)
    assert "count to a million" in text and "counter" in text
    assert "execute_incrementally" in text and "resume" in text and "next_cursor" in text


async def test_report_and_resume_prompts_read_the_operation(connect: ConnectFactory) -> None:
    async with connect() as client:
        started = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            operation_id="reported",
            input={"total_items": 3},
            budget_ms=2000,
        )
        await resume_until_done(client, started)
        report = prompt_text(
            await client.get_prompt("report_on_operation", {"operation_id": "reported"})
        )
        await paused_counter(client, "waiting")
        resume = prompt_text(
            await client.get_prompt("resume_operation", {"operation_id": "waiting"})
        )
    assert "Status: completed" in report and '"count": 3' in report
    assert "resume(operation_id='waiting')" in resume and "paused" in resume


async def test_a_prompt_for_an_unknown_operation_is_a_clear_error(connect: ConnectFactory) -> None:
    async with connect() as client:
        with pytest.raises(MCPError) as refused:
            await client.get_prompt("report_on_operation", {"operation_id": "no-such-operation"})
    assert "operation_not_found" in str(refused.value)


async def test_operation_ids_complete_to_resumable_operations_newest_first(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        await paused_counter(client, "job-older")
        await paused_counter(client, "job-newer")
        await paused_counter(client, "other")
        finished = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            operation_id="job-done",
            input={"total_items": 1},
            budget_ms=2000,
        )
        assert finished["status"] == "completed"
        by_prompt = await client.complete(
            PromptReference(name="resume_operation"), {"name": "operation_id", "value": "job"}
        )
        by_template = await client.complete(
            ResourceTemplateReference(uri="agent-tools://operations/{operation_id}"),
            {"name": "operation_id", "value": ""},
        )
    assert by_prompt.completion.values == ["job-newer", "job-older"]
    assert by_template.completion.values == ["other", "job-newer", "job-older"]


async def test_operation_types_complete_by_prefix(connect: ConnectFactory) -> None:
    async with connect() as client:
        completed = await client.complete(
            PromptReference(name="start_long_task"), {"name": "operation_type", "value": "cou"}
        )
    assert completed.completion.values == ["counter"]
