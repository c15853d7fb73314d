"""``--ops`` loading: module names, .py files, entry points, and clear failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_tools import OperationRegistry
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
