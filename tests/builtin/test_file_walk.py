"""The walk is ordered, resumable from a path, and never enters directory symlinks."""

from __future__ import annotations

from pathlib import Path

from agent_tools.builtin.file_walk import walk_files


def make_tree(root: Path) -> list[str]:
    names = ["a.txt", "b/c.txt", "b/d/e.txt", "b/d/f.txt", "b0.txt", "z/y/x.txt", "z/z.txt"]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)
    return names


def test_files_come_in_path_component_order(root: Path) -> None:
    names = make_tree(root)
    assert [found.relative for found in walk_files(root)] == names


def test_a_walk_resumed_after_any_path_yields_exactly_the_rest(root: Path) -> None:
    names = make_tree(root)
    for position, name in enumerate(names):
        assert [found.relative for found in walk_files(root, name)] == names[position + 1 :]


def test_directory_symlinks_are_reported_not_entered(root: Path, outside: Path) -> None:
    make_tree(root)
    (root / "link").symlink_to(outside)
    found = {item.relative: item.is_symlink for item in walk_files(root)}
    assert found["link"] is True
    assert not any(name.startswith("link/") for name in found)
