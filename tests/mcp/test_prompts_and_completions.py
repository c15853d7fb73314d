"""Prompts hosts show as slash commands, and completion of their arguments."""

from __future__ import annotations

import pytest
from mcp import MCPError
from mcp_types import PromptReference, ResourceTemplateReference

from tests.mcp.conftest import ConnectFactory
from tests.mcp.helpers import call

COUNTER_INPUT = {"total_items": 4, "items_per_chunk": 1}
# Ten chunks of 50 ms in a 60 ms budget: the call returns with the operation resting.
UNFINISHED = {
    "operation_type": "slow_chunks",
    "input": {"chunks": 10, "chunk_ms": 50},
    "budget_ms": 60,
}


def prompt_text(result: object) -> str:
    messages = result.messages  # type: ignore[attr-defined]
    assert len(messages) == 1
    return str(messages[0].content.text)


async def test_the_three_prompts_are_listed_with_their_arguments(connect: ConnectFactory) -> None:
    async with connect() as client:
        prompts = {prompt.name: prompt for prompt in (await client.list_prompts()).prompts}
    assert set(prompts) == {"start_long_task", "resume_operation", "report_operation"}
    assert [argument.name for argument in prompts["resume_operation"].arguments or []] == [
        "operation_id"
    ]


async def test_start_long_task_teaches_the_slice_and_resume_pattern(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        result = await client.get_prompt(
            "start_long_task", {"task": "count to four", "operation_type": "counter"}
        )
    text = prompt_text(result)
    assert "count to four" in text and "operation_type='counter'" in text
    for step in ("execute_incrementally", "resume", "next_cursor", "get_progress", "wait_ms"):
        assert step in text


async def test_report_operation_carries_the_operations_current_view(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        started = await call(
            client, "execute_incrementally", operation_type="counter", input=COUNTER_INPUT
        )
        done = await call(client, "resume", operation_id=started["operation_id"], budget_ms=30_000)
        result = await client.get_prompt("report_operation", {"operation_id": done["operation_id"]})
    text = prompt_text(result)
    assert done["operation_id"] in text and '"status":"completed"' in text


async def test_a_prompt_without_its_required_argument_is_refused(connect: ConnectFactory) -> None:
    async with connect() as client:
        with pytest.raises(MCPError, match="operation_id"):
            await client.get_prompt("resume_operation", {})
        with pytest.raises(MCPError, match="operation_not_found"):
            await client.get_prompt("report_operation", {"operation_id": "op-missing"})


async def test_operation_id_completes_to_resumable_operations_newest_first(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        older = await call(client, "execute_incrementally", **UNFINISHED)
        newer = await call(client, "execute_incrementally", **UNFINISHED)
        assert {older["status"], newer["status"]} <= {"pending", "running", "paused"}
        finished = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 1, "items_per_chunk": 1},
            budget_ms=30_000,
        )
        assert finished["status"] == "completed"
        resumable = await client.complete(
            PromptReference(name="resume_operation"), {"name": "operation_id", "value": ""}
        )
        any_status = await client.complete(
            ResourceTemplateReference(uri="agent-tools://operations/{operation_id}"),
            {"name": "operation_id", "value": finished["operation_id"][:12]},
        )
    assert resumable.completion.values == [newer["operation_id"], older["operation_id"]]
    assert any_status.completion.values == [finished["operation_id"]]


async def test_operation_type_completes_from_the_registered_types(
    connect: ConnectFactory,
) -> None:
    async with connect() as client:
        completed = await client.complete(
            PromptReference(name="start_long_task"), {"name": "operation_type", "value": "cou"}
        )
    assert completed.completion.values == ["counter"]
