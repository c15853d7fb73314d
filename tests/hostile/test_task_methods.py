"""Hostile task requests over real HTTP: ``tasks/get``, ``tasks/update``, ``tasks/cancel`` and
the task-creating tool calls answer a JSON-RPC or tool error, and change nothing stored but
the audit log, which gains exactly the refusal's entry."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.harness import Snapshot, arguments, check_error, json_values, stored_contents
from tests.mcp.conftest import HttpServer, start_http_server
from tests.tasks.conftest import CONFORMANCE_OPS
from tests.tasks.wire import RpcError, WireClient, tool_error_code

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TASK_TOOLS = ["slow_compute", "confirm_delete", "multi_input", "failing_job"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[HttpServer, Path]]:
    database = tmp_path / "operations.db"
    server = start_http_server(
        f"sqlite:///{database}", "--expose-operation-tools", ops=(CONFORMANCE_OPS,)
    )
    yield server, database
    server.stop()


SETTLE_DEADLINE_S = 60.0


def _settle(client: WireClient, database: Path) -> None:
    """Cancel what a successful call started, then wait until the store stops changing.

    The audit log aside: each round trip asking whether it settled is an access too."""
    listed = client.call_tool("list_operations", {"limit": 200})["structuredContent"]
    for summary in listed["operations"]:
        if summary["status"] not in ("completed", "failed", "cancelled"):
            client.call_tool("cancel", {"operation_id": summary["operation_id"]})
    deadline = time.monotonic() + SETTLE_DEADLINE_S
    previous = stored_contents(database)
    while True:
        client.call_tool("list_operations", {"limit": 1})  # a round trip: the server is idle
        current = stored_contents(database)
        if current == previous:
            return
        assert time.monotonic() < deadline, "the store never settled"
        previous = current


HEADER_SAFE = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
task_ids = st.text(HEADER_SAFE, max_size=40) | st.sampled_from(["", "../x", "slow_compute-0"])
"""Visible ASCII: the id travels in the Mcp-Name header too, which carries nothing else."""


def test_task_methods_refuse_hostile_requests_and_store_nothing(
    served: tuple[HttpServer, Path],
) -> None:
    server, database = served
    client = WireClient(server.url)

    @PROPERTY
    @given(
        method=st.sampled_from(["tasks/get", "tasks/update", "tasks/cancel"]),
        task_id=task_ids,
        responses=st.dictionaries(st.text(max_size=8), json_values, max_size=3),
    )
    def check(method: str, task_id: str, responses: dict[str, Any]) -> None:
        before = Snapshot.of(database)
        params: dict[str, Any] = {"taskId": task_id}
        if method == "tasks/update":
            params["inputResponses"] = responses
        with pytest.raises(RpcError) as refused:
            client.request(method, params)
        assert isinstance(refused.value.code, int) and str(refused.value)
        before.check_only_refusal_recorded(database, f"mcp.{method}")

    check()


def test_task_tools_refuse_hostile_arguments_and_store_nothing(
    served: tuple[HttpServer, Path],
) -> None:
    server, database = served
    client = WireClient(server.url)

    @PROPERTY
    @given(name=st.sampled_from(TASK_TOOLS), raw=arguments())
    def check(name: str, raw: dict[str, Any]) -> None:
        before = Snapshot.of(database)
        try:
            result = client.call_tool(name, raw)
        except RpcError as refused:
            assert isinstance(refused.code, int) and str(refused)
            before.check_only_refusal_recorded(database, f"tool.{name}")
            return
        if result.get("isError"):
            assert tool_error_code(result)
            error = _error_of(result)
            check_error(error)
            before.check_only_refusal_recorded(database, f"tool.{name}", error["code"])
        else:
            _settle(client, database)

    check()


def _error_of(result: dict[str, Any]) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(result["content"][1]["text"])["error"]
    return error
