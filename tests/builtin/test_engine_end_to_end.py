"""Each built-in type through the engine: many small slices give the uninterrupted result."""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import agent_tools.builtin
from agent_tools import Engine, OperationStatus, Settings
from agent_tools.core.policy import ExecutionPolicy
from agent_tools.core.registry import OperationRegistry, default_registry
from tests.builtin.helpers import run_all
from tests.builtin.local_http import LocalServer
from tests.builtin.test_data_processing import AGGREGATES, sales_rows, write_csv
from tests.builtin.test_file_operation import make_source_tree

SLICE_BUDGET_MS = 25


def builtin_registry() -> OperationRegistry:
    registry = OperationRegistry()
    for name in agent_tools.builtin.__all__:
        registry.register(default_registry.latest(name))
    return registry


@pytest.fixture(params=["memory", "sqlite"])
async def engine(
    request: pytest.FixtureRequest, tmp_path: Path, root: Path
) -> AsyncIterator[Engine]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'ops.db'}"
    settings = Settings.model_validate(
        {"lease_ttl_s": 5.0, "inline_lease_grace_s": 1.0, "budget_ms": SLICE_BUDGET_MS}
    )
    policy = ExecutionPolicy(roots=(root,), allow_private_network=True)
    async with Engine.from_url(
        url, registry=builtin_registry(), settings=settings, policy=policy
    ) as running:
        yield running


async def run_in_slices(
    engine: Engine, operation_type: str, raw: dict[str, Any], chunk_size: int
) -> tuple[list[Any], Any, int]:
    """Run to completion with small budgets; return the outputs, the result, the calls made."""
    view = await engine.execute_incrementally(
        operation_type, raw, budget_ms=SLICE_BUDGET_MS, chunk_size=chunk_size
    )
    outputs = [item.output for item in view.items]
    cursor, calls = view.next_cursor, 1
    deadline = time.monotonic() + 120
    while view.status is not OperationStatus.COMPLETED or view.has_more:
        assert view.status in (
            OperationStatus.PAUSED,
            OperationStatus.RUNNING,
            OperationStatus.COMPLETED,
        ), view.error
        assert time.monotonic() < deadline, "operation did not complete"
        if view.status is OperationStatus.COMPLETED:
            view = await engine.get_results(view.operation_id, cursor=cursor)
        else:
            view = await engine.resume(view.operation_id, budget_ms=SLICE_BUDGET_MS, cursor=cursor)
            calls += 1
        outputs += [item.output for item in view.items]
        cursor = view.next_cursor
    return outputs, view.result, calls


async def test_file_search_in_slices_equals_one_run(engine: Engine, root: Path) -> None:
    tree = make_source_tree(root)
    for copy in range(30):
        (tree / f"extra{copy}").mkdir()
        for number in range(10):
            (tree / f"extra{copy}" / f"f{number}.txt").write_text(f"needle_{copy}_{number}\n" * 50)
    raw = {
        "action": "search",
        "path": str(tree),
        "pattern": r"needle_\d+",
        "max_matches_per_file": 3,
    }
    outputs, result, calls = await run_in_slices(engine, "file_operation", raw, chunk_size=3)
    direct = await run_all(agent_tools.builtin.file_operation.file_operation, raw, engine.policy, 3)
    assert calls > 1
    assert outputs == direct.items
    assert result == direct.result


async def test_data_processing_in_slices_equals_one_run(engine: Engine, root: Path) -> None:
    source = write_csv(root / "sales.csv", sales_rows(6000))
    raw = {
        "path": str(source),
        "where": [{"field": "amount", "op": "gt", "value": 10}],
        "group_by": ["city"],
        "aggregates": AGGREGATES,
        "select": ["id", "city", "amount"],
        "output_path": str(root / "out" / "kept.jsonl"),
    }
    outputs, result, calls = await run_in_slices(engine, "data_processing", raw, chunk_size=97)
    written = (root / "out" / "kept.jsonl").read_bytes()
    direct_raw = {**raw, "output_path": str(root / "out" / "direct.jsonl")}
    direct = await run_all(
        agent_tools.builtin.data_processing.data_processing, direct_raw, engine.policy, 97
    )
    assert calls > 1
    assert result == {**direct.result, "output_path": str(root / "out" / "kept.jsonl")}
    assert written == (root / "out" / "direct.jsonl").read_bytes()
    assert outputs == direct.items == []


async def test_api_integration_in_slices_equals_one_run(engine: Engine) -> None:
    with LocalServer() as server:
        raw = {
            "requests": [{"url": f"{server.base_url}/slow/{n}?ms=30"} for n in range(40)],
            "concurrency": 2,
            "select_fields": ["slow"],
        }
        outputs, result, calls = await run_in_slices(engine, "api_integration", raw, chunk_size=4)
        assert len(server.log.requests) == 40
    assert calls > 1
    assert [(item["index"], item["status"], item["fields"]) for item in outputs] == [
        (n, 200, {"slow": True}) for n in range(40)
    ]
    assert result == {"requests": 40, "succeeded": 40, "failed": 0, "by_status": {"200": 40}}


async def test_computation_in_slices_equals_one_run(engine: Engine) -> None:
    raw = {
        "task": "monte_carlo_pi",
        "samples": 400_000,
        "seed": "slices",
        "units_per_chunk": 20_000,
    }
    _, result, calls = await run_in_slices(engine, "computation", raw, chunk_size=1)
    direct = await run_all(agent_tools.builtin.computation.computation, raw, engine.policy, 1)
    assert calls > 1
    assert result == direct.result


async def test_get_progress_answers_promptly_while_a_heavy_chunk_runs(engine: Engine) -> None:
    raw = {
        "task": "hash_chain",
        "seed": "heavy",
        "iterations": 6_000_000,
        "units_per_chunk": 3_000_000,
    }
    view = await engine.execute_incrementally("computation", raw, budget_ms=50, mode="background")
    slowest_s = 0.0
    answers = 0
    deadline = time.monotonic() + 120
    while True:
        started = time.monotonic()
        progress = await engine.get_progress(view.operation_id)
        slowest_s = max(slowest_s, time.monotonic() - started)
        answers += 1
        if progress.status is OperationStatus.COMPLETED:
            break
        assert progress.status is OperationStatus.RUNNING, progress.error
        assert time.monotonic() < deadline
        await engine.get_progress(view.operation_id, wait_ms=50)
    assert answers > 5
    assert slowest_s < 0.5, slowest_s
    assert progress.result == {
        "task": "hash_chain",
        "iterations": 6_000_000,
        "digest": agent_tools.builtin.computation.hash_chain(
            hashlib.sha256(b"heavy").hexdigest(), 6_000_000
        ),
    }


async def test_a_refused_path_fails_the_operation_with_code_and_hint(
    engine: Engine, outside: Path
) -> None:
    view = await engine.execute_incrementally(
        "file_operation", {"action": "count", "path": str(outside)}, budget_ms=2000
    )
    assert view.status is OperationStatus.FAILED
    assert view.error is not None
    assert view.error.code == "access_denied"
    assert "--root" in view.error.hint


async def test_a_refused_address_fails_the_operation_with_code_and_hint(root: Path) -> None:
    policy = ExecutionPolicy(roots=(root,))
    async with Engine.from_url("memory://", registry=builtin_registry(), policy=policy) as closed:
        view = await closed.execute_incrementally(
            "api_integration", {"requests": [{"url": "http://127.0.0.1:9/"}]}, budget_ms=2000
        )
    assert view.status is OperationStatus.FAILED
    assert view.error is not None
    assert view.error.code == "access_denied"
    assert "--allow-private-network" in view.error.hint
