"""``--ops`` loading: module names, .py files, entry points, and clear failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_tools import Engine, OperationRegistry
from agent_tools.runtime.loading import OperationsLoadError, load_operations

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_a_python_file_registers_its_operation_types() -> None:
    registry = load_operations(
        [str(FIXTURES / "mcp_ops.py")], OperationRegistry(), include_entry_points=False
    )
    assert {"counter", "slow_chunks"} <= set(registry.names())


def test_a_module_name_registers_its_operation_types() -> None:
    registry = load_operations(
        ["tests.fixtures.mcp_ops"], OperationRegistry(), include_entry_points=False
    )
    assert "counter" in registry.names()


def test_an_installed_package_registers_through_the_entry_point_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution = tmp_path / "counter_ops-1.0.dist-info"
    distribution.mkdir()
    (distribution / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: counter-ops\nVersion: 1.0\n"
    )
    (distribution / "entry_points.txt").write_text(
        "[agent_tools.operations]\ncounters = tests.fixtures.mcp_ops\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = load_operations([], OperationRegistry())
    assert "counter" in registry.names()


def test_a_missing_file_is_an_operations_load_error(tmp_path: Path) -> None:
    with pytest.raises(OperationsLoadError) as raised:
        load_operations([str(tmp_path / "absent.py")], OperationRegistry())
    assert raised.value.code == "operations_load_failed"
    assert "absent.py" in raised.value.message


def test_a_file_that_raises_on_import_is_an_operations_load_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken_ops.py"
    broken.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(OperationsLoadError, match="boom"):
        load_operations([str(broken)], OperationRegistry(), include_entry_points=False)


PROCESS_OPS = """
from pydantic import BaseModel
from agent_tools import ChunkResult, OperationRegistry, operation

registry = OperationRegistry()


class SquareInput(BaseModel):
    number: int


@operation(name="square_in_process", input_model=SquareInput, run_in="process", register=False)
def square_in_process(task, state, progress, chunk_index):
    return ChunkResult(output=task.number * task.number, completed=True)


registry.register(square_in_process)
"""


async def test_a_process_run_operation_from_a_python_file_runs_in_a_spawned_worker(
    tmp_path: Path,
) -> None:
    source = tmp_path / "square_ops_for_process_test.py"
    source.write_text(PROCESS_OPS)
    registry = load_operations([str(source)], OperationRegistry(), include_entry_points=False)
    async with Engine.from_url("memory://", registry=registry) as engine:
        view = await engine.execute_incrementally(
            "square_in_process", {"number": 12}, budget_ms=60_000
        )
    assert view.status == "completed"
    assert [item.output for item in view.items] == [144]
