"""Operation types as tools of their own, with and without the tasks extension."""

from __future__ import annotations

import time

from tests.mcp.conftest import start_http_server
from tests.tasks.conftest import CONFORMANCE_OPS, StartServer
from tests.tasks.wire import TASKS, WireClient, legacy_tools, tool_error_code


def test_exposed_types_are_listed_with_their_input_schema_and_task_support(
    start_tasks_server: StartServer,
) -> None:
    by_name = {tool["name"]: tool for tool in legacy_tools(start_tasks_server().url)}

    assert by_name["greet"]["execution"] == {"taskSupport": "forbidden"}
    assert by_name["slow_compute"]["execution"] == {"taskSupport": "optional"}
    assert by_name["failing_job"]["execution"] == {"taskSupport": "required"}
    assert set(by_name["slow_compute"]["inputSchema"]["properties"]) == {"seconds", "label"}
    assert "execute_incrementally" in by_name


def test_the_2026_wire_drops_execution_because_the_server_decides_on_tasks(
    start_tasks_server: StartServer,
) -> None:
    tools = WireClient(start_tasks_server().url).request("tools/list", {})["tools"]
    assert all("execution" not in tool for tool in tools)


def test_without_the_flag_neither_the_type_tools_nor_the_extension_exist(store_url: str) -> None:
    server = start_http_server(store_url, ops=(CONFORMANCE_OPS,))
    try:
        client = WireClient(server.url)
        names = {tool["name"] for tool in client.request("tools/list", {})["tools"]}
        capabilities = client.request("server/discover", {})["capabilities"]
    finally:
        server.stop()
    assert "slow_compute" not in names and "execute_incrementally" in names
    assert TASKS not in (capabilities.get("extensions") or {})


def test_without_tasks_a_type_tool_works_for_one_budget_like_execute_incrementally(
    start_tasks_server: StartServer,
) -> None:
    client = WireClient(start_tasks_server("--budget-ms", "1000").url, with_tasks=False)
    started = time.monotonic()
    first = client.call_tool("slow_compute", {"seconds": 3, "label": "sliced"})
    assert time.monotonic() - started < 30
    view = first["structuredContent"]
    assert "taskId" not in first and first["resultType"] == "complete"
    assert view["status"] != "completed" and 0 < view["progress"]["current_step"] < 12

    deadline = time.monotonic() + 60
    while view["status"] != "completed":
        assert time.monotonic() < deadline, view
        view = client.call_tool("resume", {"operation_id": view["operation_id"]})[
            "structuredContent"
        ]
    assert view["result"].startswith("Computed sliced in 12 steps: ")


def test_a_sync_tool_call_puts_the_final_result_first(start_tasks_server: StartServer) -> None:
    result = WireClient(start_tasks_server().url).call_tool("greet", {"name": "Ada"})
    assert result["content"][0] == {"type": "text", "text": "Hello, Ada!"}
    assert result["structuredContent"]["status"] == "completed"


def test_a_client_that_cannot_elicit_gets_an_argument_error_for_a_missing_field(
    start_tasks_server: StartServer,
) -> None:
    result = WireClient(start_tasks_server().url).call_tool("greet", {})
    assert result["resultType"] == "complete"
    assert tool_error_code(result) == "invalid_input"


def test_a_client_that_can_elicit_is_asked_for_the_missing_field_then_served(
    start_tasks_server: StartServer,
) -> None:
    client = WireClient(start_tasks_server().url, with_tasks=False, can_elicit=True)
    question = client.call_tool("greet", {})
    assert question["resultType"] == "input_required"
    (key, request), *others = question["inputRequests"].items()
    assert not others and request["method"] == "elicitation/create"
    assert request["params"]["requestedSchema"]["required"] == ["name"]

    answer = {key: {"action": "accept", "content": {"name": "Grace"}}}
    served = client.request(
        "tools/call", {"name": "greet", "arguments": {}, "inputResponses": answer}
    )
    assert served["content"][0]["text"] == "Hello, Grace!"
