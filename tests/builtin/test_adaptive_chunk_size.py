"""The built-in file and data operations tune their chunk size to the budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_tools import Engine, OperationStatus
from agent_tools.runtime.chunk_sizing import chunk_target_s
from tests.builtin.test_data_processing import sales_rows, write_csv
from tests.builtin.test_engine_end_to_end import SLICE_BUDGET_MS, builtin_registry

pytest_plugins = ["tests.builtin.test_engine_end_to_end"]


@pytest.mark.parametrize("name", ["file_operation", "data_processing"])
def test_the_builtin_declares_its_chunk_resizable(name: str) -> None:
    assert builtin_registry().latest(name).adaptive_chunk_size


async def _tuned_run(engine: Engine, operation_type: str, task: dict[str, object]) -> None:
    view = await engine.execute_incrementally(operation_type, task, budget_ms=SLICE_BUDGET_MS)
    while not view.status.is_terminal:
        view = await engine.resume(view.operation_id, budget_ms=SLICE_BUDGET_MS)
    assert view.status is OperationStatus.COMPLETED, view
    record = await engine.store.get_operation(view.operation_id)
    assert record is not None and record.settings.adaptive_chunk_size
    progress = record.progress
    assert progress.chunk_size is not None and progress.seconds_per_unit is not None
    # The tuned size never asks for more than the target time at the cost it measured.
    target_s = chunk_target_s(record.settings, SLICE_BUDGET_MS / 1000)
    assert progress.chunk_size <= max(1, round(target_s / progress.seconds_per_unit))


async def test_data_processing_tunes_its_rows_per_chunk(engine: Engine, root: Path) -> None:
    write_csv(root / "sales.csv", sales_rows(20_000))
    await _tuned_run(engine, "data_processing", {"path": str(root / "sales.csv")})


async def test_file_operation_tunes_its_files_per_chunk(engine: Engine, root: Path) -> None:
    for number in range(700):  # more files than the first chunk's 200
        folder = root / "tree" / f"part{number % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"file{number}.txt").write_text(f"line of file {number}\n" * 3)
    await _tuned_run(engine, "file_operation", {"action": "count", "path": str(root / "tree")})


async def test_describe_operation_types_says_the_builtins_tune_their_chunks(
    engine: Engine,
) -> None:
    listed = {info.name: info for info in engine.describe_operation_types().operation_types}
    assert listed["file_operation"].adaptive_chunk_size
    assert listed["data_processing"].adaptive_chunk_size
    assert not listed["computation"].adaptive_chunk_size
