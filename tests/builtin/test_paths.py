"""Every path a built-in operation touches lies under an allowed root."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_tools.builtin.paths import resolve_under_roots
from agent_tools.core.errors import AccessDeniedError
from agent_tools.core.policy import ExecutionPolicy


def test_a_path_inside_a_root_resolves(root: Path, policy: ExecutionPolicy) -> None:
    (root / "data").mkdir()
    assert resolve_under_roots(root / "data", policy) == root / "data"


def test_a_relative_path_is_taken_against_the_first_root(
    root: Path, policy: ExecutionPolicy
) -> None:
    assert resolve_under_roots("new/output.csv", policy) == root / "new" / "output.csv"


def test_dot_dot_out_of_the_root_is_refused(root: Path, policy: ExecutionPolicy) -> None:
    with pytest.raises(AccessDeniedError) as refused:
        resolve_under_roots(root / ".." / "outside" / "secret.txt", policy)
    assert refused.value.code == "access_denied"
    assert "--root" in refused.value.hint


def test_a_symlink_leading_out_of_the_root_is_refused(
    root: Path, outside: Path, policy: ExecutionPolicy
) -> None:
    (root / "escape").symlink_to(outside)
    with pytest.raises(AccessDeniedError):
        resolve_under_roots(root / "escape" / "secret.txt", policy)


def test_a_sibling_folder_sharing_the_root_prefix_is_refused(
    root: Path, policy: ExecutionPolicy
) -> None:
    sibling = root.parent / (root.name + "-other")
    sibling.mkdir()
    with pytest.raises(AccessDeniedError):
        resolve_under_roots(sibling, policy)


def test_without_roots_every_path_is_refused(root: Path) -> None:
    with pytest.raises(AccessDeniedError) as refused:
        resolve_under_roots(root, ExecutionPolicy())
    assert "No folder" in refused.value.message
