"""Hostile paths: NUL bytes and odd Unicode are refused, and a symlink or FIFO swapped in
while a walk runs is never read (what is read is the file that was checked)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent_tools.builtin import file_operation as file_operation_module
from agent_tools.builtin.data_processing import data_processing
from agent_tools.builtin.file_operation import file_operation
from agent_tools.builtin.file_walk import WalkedFile
from agent_tools.builtin.paths import open_under_roots
from agent_tools.core.errors import AccessDeniedError, InvalidInputError
from agent_tools.core.policy import ExecutionPolicy
from tests.builtin.helpers import run_all

ODD_PATHS = [
    "a\x00b.txt",  # NUL: the C library would cut the path here
    "notes\x1b[2J.txt",  # an escape sequence
    "invoice\u202etxt.exe",  # right-to-left override: shows as invoiceexe.txt
    "x\u2066y",  # a direction isolate
    "lone\ud800surrogate",  # not encodable: no file system name
    "unassigned\U000e0fff",
    "line\nbreak",
]


@pytest.mark.parametrize("name", ODD_PATHS)
async def test_a_path_with_odd_characters_is_refused_with_a_hint(
    root: Path, policy: ExecutionPolicy, name: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await run_all(
            file_operation, {"action": "count", "path": str(root / name)}, policy, chunk_size=5
        )
    assert "plain text" in refused.value.hint


@pytest.mark.parametrize("name", ODD_PATHS[:3])
async def test_data_processing_refuses_odd_paths_too(
    root: Path, policy: ExecutionPolicy, name: str
) -> None:
    with pytest.raises(InvalidInputError):
        await run_all(data_processing, {"path": str(root / name)}, policy, chunk_size=5)


def _swapping_walk(monkeypatch: pytest.MonkeyPatch, swap: Callable[[], None]) -> None:
    """The walk as it runs, with ``swap`` done right after the first file is handed out:
    an attacker changing the tree between the walk's listing and the reads."""
    walk = file_operation_module._files

    def swapped(root: Path, after: str | None) -> Iterator[WalkedFile]:
        for index, found in enumerate(walk(root, after)):
            yield found
            if index == 0:
                swap()

    monkeypatch.setattr(file_operation_module, "_files", swapped)


async def test_a_file_swapped_for_a_symlink_mid_walk_is_never_read(
    root: Path, outside: Path, policy: ExecutionPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "a.txt").write_text("needle a\n")
    (root / "b.txt").write_text("needle b\n")

    def swap() -> None:
        (root / "b.txt").unlink()
        (root / "b.txt").symlink_to(outside / "secret.txt")

    _swapping_walk(monkeypatch, swap)
    run = await run_all(
        file_operation, {"action": "search", "path": str(root), "pattern": "needle"}, policy, 10
    )
    assert [item["text"] for item in run.items] == ["needle a"]
    assert run.result["files_skipped"] == 1


async def test_a_folder_swapped_for_a_symlink_mid_walk_leads_nowhere(
    root: Path, outside: Path, policy: ExecutionPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "a.txt").write_text("needle a\n")
    (root / "sub").mkdir()
    (root / "sub" / "secret.txt").write_text("needle decoy\n")

    def swap() -> None:
        (root / "sub" / "secret.txt").unlink()
        (root / "sub").rmdir()
        (root / "sub").symlink_to(outside)

    _swapping_walk(monkeypatch, swap)
    run = await run_all(
        file_operation, {"action": "search", "path": str(root), "pattern": "needle"}, policy, 10
    )
    assert "TOP SECRET needle" not in [item["text"] for item in run.items]


async def test_a_fifo_swapped_in_mid_walk_neither_hangs_nor_is_read(
    root: Path, policy: ExecutionPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "a.txt").write_text("one\n")
    (root / "b.txt").write_text("two\n")

    def swap() -> None:
        (root / "b.txt").unlink()
        os.mkfifo(root / "b.txt")

    _swapping_walk(monkeypatch, swap)
    run = await run_all(file_operation, {"action": "count", "path": str(root)}, policy, 10)
    assert run.result["totals"]["files"] == 1
    assert run.result["files_skipped"] == 1


def test_opening_checks_the_file_opened_not_the_name(
    root: Path, outside: Path, policy: ExecutionPolicy
) -> None:
    (root / "link.txt").symlink_to(outside / "secret.txt")
    (root / "plain.txt").write_text("fine\n")
    with open_under_roots(root / "plain.txt", policy) as handle:
        assert handle.read() == b"fine\n"
    with pytest.raises(AccessDeniedError):
        open_under_roots(root / "link.txt", policy)
