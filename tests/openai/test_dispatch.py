"""The dispatcher turns every tool call into a tool message, errors included."""

from __future__ import annotations

import asyncio
import json
import time

from openai.types.chat import ChatCompletionMessageToolCall
from openai.types.chat.chat_completion_message_tool_call import Function
from openai.types.responses import ResponseFunctionToolCall

from agent_tools import OpenAITools


def chat_call(
    name: str, arguments: object, call_id: str = "call_1"
) -> ChatCompletionMessageToolCall:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return ChatCompletionMessageToolCall(
        id=call_id, type="function", function=Function(name=name, arguments=text)
    )


async def test_a_chat_tool_call_object_gets_a_tool_message(tools: OpenAITools) -> None:
    message = await tools.handle(chat_call("start_count", {"total": 3}))
    assert message["role"] == "tool" and message["tool_call_id"] == "call_1"
    view = json.loads(message["content"])
    assert view["status"] == "completed"
    assert view["result"] == {"sum": 6}


async def test_a_responses_function_call_gets_a_function_call_output(tools: OpenAITools) -> None:
    started = json.loads((await tools.handle(chat_call("start_count", {"total": 50})))["content"])
    item = ResponseFunctionToolCall(
        type="function_call",
        call_id="fc_1",
        name="get_progress",
        arguments=json.dumps({"operation_id": started["operation_id"], "wait_ms": None}),
    )
    message = await tools.handle(item)
    assert message["type"] == "function_call_output" and message["call_id"] == "fc_1"
    assert json.loads(message["output"])["operation_id"] == started["operation_id"]


async def test_dict_tool_calls_work_like_the_objects(tools: OpenAITools) -> None:
    message = await tools.handle(
        {
            "id": "c9",
            "type": "function",
            "function": {"name": "describe_operation_types", "arguments": "{}"},
        }
    )
    names = [t["name"] for t in json.loads(message["content"])["operation_types"]]
    assert "count" in names


async def test_malformed_json_arguments_come_back_with_a_code_and_hint(tools: OpenAITools) -> None:
    message = await tools.handle(chat_call("get_progress", "{not json"))
    error = json.loads(message["content"])["error"]
    assert error["code"] == "invalid_input"
    assert error["hint"]


async def test_an_unknown_function_names_the_known_ones(tools: OpenAITools) -> None:
    error = json.loads((await tools.handle(chat_call("explode", {})))["content"])["error"]
    assert error["code"] == "unknown_function"
    assert "execute_incrementally" in error["hint"]


async def test_invalid_input_is_refused_and_stores_nothing(tools: OpenAITools) -> None:
    error = json.loads((await tools.handle(chat_call("start_count", {"total": "x"})))["content"])
    assert error["error"]["code"] == "invalid_input"
    listed = json.loads((await tools.handle(chat_call("list_operations", {})))["content"])
    assert listed["operations"] == []


async def test_an_engine_error_keeps_its_code(tools: OpenAITools) -> None:
    error = json.loads(
        (await tools.handle(chat_call("resume", {"operation_id": "nobody"})))["content"]
    )["error"]
    assert error["code"] == "operation_not_found"


async def test_strict_json_string_fields_are_decoded(tools: OpenAITools) -> None:
    started = json.loads(
        (
            await tools.handle(
                chat_call(
                    "execute_incrementally",
                    {"operation_type": "agent_task", "input": json.dumps({"goal": "g"})},
                )
            )
        )["content"]
    )
    recorded = await tools.handle(
        chat_call(
            "record_progress",
            {
                "operation_id": started["operation_id"],
                "completed_steps": ["one"],
                "state": json.dumps({"cursor": 7}),
                "notes": None,
                "completed": None,
            },
        )
    )
    assert json.loads(recorded["content"])["agent_task"]["saved_state"] == {"cursor": 7}


async def test_parallel_calls_run_together_and_answer_in_order(tools: OpenAITools) -> None:
    calls = [
        chat_call("start_count", {"total": 5, "chunk_delay_ms": 100}, call_id=f"c{n}")
        for n in range(4)
    ]
    started = time.monotonic()
    messages = await tools.handle_many(calls)
    assert time.monotonic() - started < 4 * 0.5 * 0.9
    assert [m["tool_call_id"] for m in messages] == ["c0", "c1", "c2", "c3"]
    assert all(json.loads(m["content"])["status"] == "completed" for m in messages)
    await asyncio.sleep(0)


async def test_questions_are_answered_through_provide_input_in_strict_mode(
    tools: OpenAITools,
) -> None:
    asked = json.loads((await tools.handle(chat_call("start_review", {"files": ["a"]})))["content"])
    assert sorted(asked["input_requests"]) == ["delete@0", "note@0"]
    answers = {
        "delete@0": {"action": "accept", "content": {"delete": True}},
        "note@0": {"action": "decline", "content": None},
    }
    strict_arguments = {
        "operation_id": asked["operation_id"],
        "responses": json.dumps(answers),
        "budget_ms": None,
        "cursor": None,
    }
    done = json.loads((await tools.handle(chat_call("provide_input", strict_arguments)))["content"])
    assert done["status"] == "completed"
    assert done["items"][0]["output"] == {"file": "a", "deleted": True, "note": "decline"}
