from __future__ import annotations

from pathlib import Path

import pytest

from agent_tools.core.policy import ExecutionPolicy


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "root"
    folder.mkdir()
    return folder.resolve()


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("TOP SECRET needle\n")
    return folder.resolve()


@pytest.fixture
def policy(root: Path) -> ExecutionPolicy:
    return ExecutionPolicy(roots=(root,))
