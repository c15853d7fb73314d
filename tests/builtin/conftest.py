from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_tools.core.policy import ExecutionPolicy
from tests.builtin.local_http import LocalServer


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


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def network_policy() -> ExecutionPolicy:
    return ExecutionPolicy(allow_private_network=True)
