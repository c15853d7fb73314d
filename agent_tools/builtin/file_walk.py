"""A deterministic, resumable walk of a directory tree.

Files come in lexicographic order of their path components. The position is
just the last path handed out, so state stays small however large the tree:
a resumed walk skips whole subtrees that sort before it without listing them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WalkedFile:
    """A regular file found by the walk (symlinks are reported, not followed)."""

    path: Path
    relative: str
    is_symlink: bool


def walk_files(root: Path, after: str | None = None) -> Iterator[WalkedFile]:
    """Yield files under ``root`` in order, starting after the relative path ``after``.

    Directory symlinks are never entered, so the walk cannot loop or leave the
    tree through them; file symlinks are yielded with ``is_symlink`` set so the
    caller can check where they point.
    """
    position = tuple(after.split("/")) if after else ()
    yield from _walk(root, (), position)


def _walk(
    directory: Path, prefix: tuple[str, ...], position: tuple[str, ...]
) -> Iterator[WalkedFile]:
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except (PermissionError, FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        parts = (*prefix, entry.name)
        if entry.is_dir(follow_symlinks=False):
            if position and parts < position[: len(parts)]:
                continue
            inner = position if position[: len(parts)] == parts else ()
            yield from _walk(Path(entry.path), parts, inner)
        elif position and parts <= position:
            continue
        elif entry.is_file(follow_symlinks=False) or entry.is_symlink():
            yield WalkedFile(Path(entry.path), "/".join(parts), entry.is_symlink())
