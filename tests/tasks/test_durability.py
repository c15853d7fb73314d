"""Tasks are durable operations: they survive SIGKILL, stay cancelled and expire after ttlMs."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import pytest

from tests.tasks.conftest import StartServer
from tests.tasks.wire import TERMINAL, RpcError, WireClient, tool_error_code

INVALID_PARAMS = -32602
COMPUTE_ARGUMENTS = {"seconds": 4, "label": "durable"}
COMPUTE_STEPS = 16
POLL_INTERVAL_S = 0.1


def operation_view(client: WireClient, operation_id: str) -> dict[str, Any]:
    """What the generic get_progress tool reports for the operation behind a task."""
    result = client.call_tool("get_progress", {"operation_id": operation_id})
    assert not result.get("isError"), result
    view: dict[str, Any] = result["structuredContent"]
    return view


def result_text(task: dict[str, Any]) -> str:
    assert task["status"] == "completed", task
    return str(task["result"]["content"][0]["text"])


def uninterrupted_result(start_server: StartServer) -> str:
    client = WireClient(start_server().url)
    task_id = client.call_tool("slow_compute", COMPUTE_ARGUMENTS)["taskId"]
    return result_text(client.wait_for(task_id, lambda task: task["status"] in TERMINAL))


def test_a_task_killed_mid_run_continues_from_its_checkpoint_with_the_uninterrupted_result(
    start_tasks_server: StartServer,
) -> None:
    expected = uninterrupted_result(start_tasks_server)
    first = start_tasks_server()
    client = WireClient(first.url)
    task_id = client.call_tool("slow_compute", COMPUTE_ARGUMENTS)["taskId"]
    deadline = time.monotonic() + 60
    while (before_kill := operation_view(client, task_id)["progress"]["current_step"]) < 4:
        assert time.monotonic() < deadline, "the task never reached step 4"
        time.sleep(POLL_INTERVAL_S)
    first.kill()

    restarted = WireClient(start_tasks_server().url)
    assert operation_view(restarted, task_id)["progress"]["current_step"] >= before_kill
    finished = restarted.wait_for(task_id, lambda task: task["status"] in TERMINAL)

    assert result_text(finished) == expected
    page = restarted.call_tool("get_results", {"operation_id": task_id, "limit": 100})[
        "structuredContent"
    ]
    assert [item["output"]["step"] for item in page["items"]] == list(range(1, COMPUTE_STEPS + 1))


def test_a_task_cancelled_before_a_restart_stays_cancelled(
    start_tasks_server: StartServer,
) -> None:
    first = start_tasks_server()
    client = WireClient(first.url)
    task_id = client.call_tool("slow_compute", {"seconds": 60, "label": "cancelled"})["taskId"]
    acknowledgement = client.request("tasks/cancel", {"taskId": task_id})
    assert acknowledgement["resultType"] == "complete"
    assert "status" not in acknowledgement and "taskId" not in acknowledgement
    assert client.get_task(task_id)["status"] == "cancelled"
    steps_at_cancel = operation_view(client, task_id)["progress"]["current_step"]
    first.kill()

    restarted = WireClient(start_tasks_server().url)
    marker = restarted.call_tool("slow_compute", {"seconds": 1, "label": "marker"})["taskId"]
    restarted.wait_for(marker, lambda task: task["status"] == "completed")

    assert restarted.get_task(task_id)["status"] == "cancelled"
    assert operation_view(restarted, task_id)["progress"]["current_step"] == steps_at_cancel


def answer(client: WireClient, task_id: str, responses: dict[str, Any]) -> dict[str, Any]:
    return client.request("tasks/update", {"taskId": task_id, "inputResponses": responses})


def test_a_task_waiting_for_input_survives_a_kill_and_finishes_once_answered(
    start_tasks_server: StartServer,
) -> None:
    first = start_tasks_server()
    client = WireClient(first.url)
    task_id = client.call_tool("confirm_delete", {"filename": "report.pdf"})["taskId"]
    waiting = client.wait_for(task_id, lambda task: task["status"] == "input_required")
    [(key, question)] = waiting["inputRequests"].items()
    assert question["method"] == "elicitation/create"
    assert question["params"]["message"] == "Delete report.pdf?"
    first.kill()

    restarted = WireClient(start_tasks_server().url)
    assert restarted.get_task(task_id)["inputRequests"].keys() == {key}
    with pytest.raises(RpcError) as refused:
        answer(restarted, task_id, {key: {"action": "accept", "content": {"confirm": "yes"}}})
    assert refused.value.code == INVALID_PARAMS
    assert "boolean" in str(refused.value)
    assert restarted.get_task(task_id)["status"] == "input_required"

    answer(restarted, task_id, {key: {"action": "accept", "content": {"confirm": True}}})
    finished = restarted.wait_for(task_id, lambda task: task["status"] in TERMINAL)
    assert result_text(finished) == "Deletion of report.pdf confirmed."


def test_a_finished_task_stays_readable_for_its_ttl_then_is_gone_and_purged(
    start_tasks_server: StartServer,
) -> None:
    first = start_tasks_server()
    client = WireClient(first.url)
    created = client.call_tool("short_lived_compute", {"seconds": 0.25})
    assert created["ttlMs"] >= 3000
    task_id = created["taskId"]
    finished = client.wait_for(task_id, lambda task: task["status"] == "completed")
    expires_at = (
        datetime.fromisoformat(finished["createdAt"]).timestamp() + finished["ttlMs"] / 1000
    )

    deadline = time.monotonic() + 60
    while True:
        try:
            client.get_task(task_id)
        except RpcError as gone:
            assert gone.code == INVALID_PARAMS
            break
        assert time.monotonic() < deadline, "the task outlived its ttlMs"
        time.sleep(POLL_INTERVAL_S)
    assert time.time() >= expires_at

    first.kill()
    restarted = WireClient(start_tasks_server().url)
    refusal = restarted.call_tool("get_progress", {"operation_id": task_id})
    assert tool_error_code(refusal) == "operation_not_found"


def test_task_methods_are_refused_to_clients_that_did_not_negotiate_the_extension(
    start_tasks_server: StartServer,
) -> None:
    server = start_tasks_server()
    task_id = WireClient(server.url).call_tool("slow_compute", {"seconds": 1})["taskId"]
    with pytest.raises(RpcError) as refused:
        WireClient(server.url, with_tasks=False).get_task(task_id)
    assert refused.value.code == -32021
