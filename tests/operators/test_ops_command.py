"""``agent-tools ops``: look at and steer operations from a terminal, through the engine."""

from __future__ import annotations

import json

from agent_tools.core.status import OperationStatus
from tests.operators.conftest import Serving


async def test_list_prints_a_table_and_options_work_before_or_after_the_action(
    serving: Serving,
) -> None:
    operation_id = await serving.start_counter(5, 0, mode="inline")
    table = await serving.ops("list")
    assert table.returncode == 0, table.stderr
    assert "OPERATION" in table.stdout and "STATUS" in table.stdout
    row = next(line for line in table.stdout.splitlines() if operation_id in line)
    assert "counter" in row and "0/5" in row
    before = json.loads((await serving.ops("--json", "list")).stdout)
    after = json.loads((await serving.ops("list", "--json")).stdout)
    assert before == after
    assert [o["operation_id"] for o in after["operations"]] == [operation_id]


async def test_list_filters_by_status_and_type(serving: Serving) -> None:
    paused = await serving.start_counter(5, 0, mode="inline")
    other = await serving.start_counter(5, 0, mode="inline")
    await serving.engine.resume(other, budget_ms=5000)
    by_status = json.loads((await serving.ops("list", "--status", "paused", "--json")).stdout)
    assert [o["operation_id"] for o in by_status["operations"]] == [paused]
    by_type = json.loads((await serving.ops("list", "--type", "agent_task", "--json")).stdout)
    assert by_type["operations"] == []
    listed = (await serving.ops("list", "--type", "counter")).stdout
    assert paused in listed and other in listed


async def test_show_reports_progress_rate_eta_lease_and_checkpoints(serving: Serving) -> None:
    operation_id = await serving.start_counter(400, 20)
    await serving.wait_for(operation_id, lambda view: view.progress.current_step >= 5)
    shown = await serving.ops("show", operation_id)
    assert shown.returncode == 0, shown.stderr
    for label in ("status", "progress", "rate", "eta", "input", "lease", "latest checkpoints"):
        assert label in shown.stdout
    assert '"total_items":400' in shown.stdout
    assert serving.engine.holder_id in shown.stdout
    detail = json.loads((await serving.ops("--json", "show", operation_id)).stdout)
    assert detail["view"]["status"] == "running"
    assert detail["view"]["progress"]["rate_per_second"] > 0
    assert detail["view"]["progress"]["eta_seconds"] > 0
    assert detail["lease"]["holder"] == serving.engine.holder_id
    assert detail["lease"]["expires_in_s"] > 0
    assert detail["checkpoints"] and detail["checkpoints"][-1]["kind"] == "checkpoint"
    await serving.engine.cancel(operation_id)


async def test_show_reports_the_error_of_a_cancelled_operation(serving: Serving) -> None:
    operation_id = await serving.start_counter(5, 0, mode="inline")
    await serving.engine.cancel(operation_id, reason="not needed")
    shown = (await serving.ops("show", operation_id)).stdout
    assert "cancelled" in shown and "not needed" in shown and "hint" in shown


async def test_pause_resume_and_cancel_steer_an_operation_another_process_runs(
    serving: Serving,
) -> None:
    operation_id = await serving.start_counter(1000, 20)
    await serving.wait_for(operation_id, lambda view: view.progress.current_step >= 2)
    paused = json.loads((await serving.ops("pause", operation_id, "--json")).stdout)
    assert paused["status"] == "paused"
    rested = await serving.wait_for(operation_id, lambda v: v.status is OperationStatus.PAUSED)
    resumed = await serving.ops("resume", operation_id, "--budget-ms", "0")
    assert resumed.returncode == 0, resumed.stderr
    assert "running" in resumed.stdout
    step = rested.progress.current_step
    await serving.wait_for(operation_id, lambda view: view.progress.current_step > step + 2)
    cancelled = await serving.ops("cancel", operation_id, "--reason", "enough")
    assert "cancelled" in cancelled.stdout
    view = await serving.engine.get_progress(operation_id)
    assert view.status is OperationStatus.CANCELLED
    assert view.error is not None and "enough" in view.error.message


async def test_results_pages_the_whole_log_as_jsonl(serving: Serving) -> None:
    operation_id = await serving.start_counter(7, 0, mode="inline")
    await serving.engine.resume(operation_id, budget_ms=5000)
    lines = (await serving.ops("results", operation_id, "--jsonl")).stdout.splitlines()
    assert [json.loads(line) for line in lines] == [
        {"seq": n, "output": {"n": n}} for n in range(1, 8)
    ]
    first = (await serving.ops("results", operation_id, "--limit", "3")).stdout
    assert "3 items" in first and "--cursor" in first
    cursor = first.rsplit("--cursor ", 1)[1].strip()
    rest = await serving.ops("results", operation_id, "--cursor", cursor, "--jsonl")
    assert [json.loads(line)["seq"] for line in rest.stdout.splitlines()] == [4, 5, 6, 7]


async def test_results_follow_prints_items_as_they_come_until_the_end(serving: Serving) -> None:
    operation_id = await serving.start_counter(30, 30)
    followed = await serving.ops("results", operation_id, "--jsonl", "--follow")
    assert followed.returncode == 0, followed.stderr
    seqs = [json.loads(line)["seq"] for line in followed.stdout.splitlines()]
    assert seqs == list(range(1, 31))
    view = await serving.engine.get_progress(operation_id)
    assert view.status is OperationStatus.COMPLETED


async def test_watch_shows_bars_until_the_operation_completes(serving: Serving) -> None:
    operation_id = await serving.start_counter(20, 30)
    watched = await serving.ops("watch", operation_id)
    assert watched.returncode == 0, watched.stderr
    assert "completed" in watched.stdout and "100%" in watched.stdout
    assert "20/20" in watched.stdout


async def test_watch_without_an_id_follows_every_running_operation(serving: Serving) -> None:
    # Long enough (10 s and more) to be running still when the watch process has started,
    # which can take seconds on a loaded machine.
    first = await serving.start_counter(250, 40)
    second = await serving.start_counter(300, 40)
    watched = await serving.ops("watch")
    assert watched.returncode == 0, watched.stderr
    assert first in watched.stdout and second in watched.stdout
    assert watched.stdout.count("completed") == 2


async def test_watch_with_nothing_running_says_so(serving: Serving) -> None:
    watched = await serving.ops("watch")
    assert watched.returncode == 0
    assert "No running operations" in watched.stdout


async def test_an_unknown_operation_is_reported_with_its_code(serving: Serving) -> None:
    result = await serving.ops("show", "nobody")
    assert result.returncode == 2
    assert "operation_not_found" in result.stderr


async def test_show_says_how_sure_the_eta_is_and_the_priority(serving: Serving) -> None:
    finished = await serving.start_counter(5, 20, mode="inline")
    done = await serving.engine.resume(finished, budget_ms=5000)
    assert done.status is OperationStatus.COMPLETED
    view = await serving.engine.execute_incrementally(
        "counter", {"total_items": 5, "chunk_delay_ms": 20}, budget_ms=0, priority=3
    )
    shown = (await serving.ops("show", view.operation_id)).stdout
    assert "from earlier runs" in shown
    priority_row = next(line for line in shown.splitlines() if "priority" in line)
    assert "3" in priority_row
