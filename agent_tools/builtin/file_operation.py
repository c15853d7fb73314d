"""``file_operation``: search, checksum or count the files of a tree, a batch of files per chunk."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from agent_tools.builtin.file_actions import FileAction, action_for
from agent_tools.builtin.file_walk import WalkedFile, walk_files
from agent_tools.builtin.paths import is_under_roots, open_under_roots, resolve_under_roots
from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.definitions import ChunkResult, ProgressUpdate, operation
from agent_tools.core.errors import AccessDeniedError, InvalidInputError
from agent_tools.core.policy import ExecutionPolicy

logger = logging.getLogger(__name__)


class FileOperationInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["search", "checksum", "count"] = Field(
        description="search: regex matches per line; checksum: sha256 per file; "
        "count: files, lines and bytes in all and per extension."
    )
    path: str = Field(description="The folder (or single file) to walk, under an allowed root.")
    pattern: str | None = Field(
        default=None, description="For search: a Python regular expression matched per line."
    )
    ignore_case: bool = Field(default=False, description="For search: match case-insensitively.")
    include: list[str] = Field(
        default_factory=list,
        description="Only files whose relative path matches one of these globs (e.g. '*.py').",
    )
    max_file_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1, description="Skip larger files (counted as skipped)."
    )
    max_matches_per_file: int = Field(default=100, ge=1, description="For search.")
    manifest_path: str | None = Field(
        default=None,
        description="For checksum: also write a 'sha256  path' manifest to this file "
        "under an allowed root.",
    )

    @model_validator(mode="after")
    def _check_pattern(self) -> FileOperationInput:
        if self.action == "search":
            if not self.pattern:
                raise ValueError("action 'search' needs a pattern")
            try:
                re.compile(self.pattern)
            except re.error as invalid:
                raise ValueError(f"pattern is not a valid regular expression: {invalid}") from None
        return self


def _initial_state(request: BaseModel) -> dict[str, Any]:
    assert isinstance(request, FileOperationInput)
    return {
        "after": None,
        "files_seen": 0,
        "files_skipped": 0,
        "manifest_bytes": 0,
        "totals": action_for(request.action).initial_totals(),
    }


@operation(
    name="file_operation",
    input_model=FileOperationInput,
    initial_state=_initial_state,
    chunk_size=200,
    adaptive_chunk_size=True,
    max_chunk_size=20_000,
    description=(
        "Walk a folder under an allowed root, a batch of files per chunk, in a fixed order. "
        "action='search' returns regex matches (path, line, text) as result items; "
        "'checksum' returns sha256 per file (optionally writing a manifest file); 'count' "
        "totals files, lines and bytes overall and per extension. chunk_size = files per chunk."
    ),
)
def file_operation(
    request: FileOperationInput, state: dict[str, Any], progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Handle the next ``chunk_size`` files after the position saved in ``state``."""
    policy = progress.policy
    root = resolve_under_roots(request.path, policy)
    if not root.exists():
        raise InvalidInputError(
            f"Path {request.path!r} does not exist.", "Give an existing folder or file."
        )
    manifest = _open_manifest(request, state, policy) if request.manifest_path else None
    action: FileAction = action_for(request.action)
    totals = copy.deepcopy(state["totals"])
    items: list[JsonValue] = []
    handled = skipped = 0
    after = state["after"]
    finished = True
    try:
        for found in _files(root, after):
            if handled + skipped >= progress.chunk_size or progress.cancel_requested:
                finished = False
                break
            after = found.relative
            target = found.path.resolve() if found.is_symlink else found.path
            if not _wanted(found, target, request, policy, manifest):
                skipped += 1
                continue
            try:
                with open_under_roots(target, policy) as source:
                    new_items = action.handle(request, source, found.relative, totals)
            except (OSError, AccessDeniedError) as unreadable:
                logger.info("skipping %s: %s", target, unreadable)
                skipped += 1
                continue
            handled += 1
            items.extend(new_items)
            if manifest is not None:
                for item in new_items:
                    assert isinstance(item, dict)
                    manifest[1].write(f"{item['sha256']}  {item['path']}\n".encode())
    finally:
        if manifest is not None:
            manifest[1].close()
    manifest_bytes = manifest[0].stat().st_size if manifest is not None else 0
    next_state = {
        "after": after,
        "files_seen": state["files_seen"] + handled,
        "files_skipped": state["files_skipped"] + skipped,
        "manifest_bytes": manifest_bytes,
        "totals": totals,
    }
    update = ProgressUpdate(advance=handled + skipped, label=after, message=f"at {after}")
    result = None
    if finished:
        result = {
            "action": request.action,
            "root": str(root),
            "files": next_state["files_seen"],
            "files_skipped": next_state["files_skipped"],
            "totals": totals,
            "manifest_path": str(manifest[0]) if manifest is not None else None,
        }
    return ChunkResult(
        items=items,
        next_state=next_state,
        progress_update=update,
        completed=finished,
        result=result,
    )


def _files(root: Path, after: str | None) -> Iterator[WalkedFile]:
    """The walk under ``root``, or ``root`` itself when it is a single file."""
    if root.is_file():
        return iter([WalkedFile(root, root.name, False)] if after is None else [])
    return walk_files(root, after)


def _wanted(
    found: WalkedFile,
    target: Path,
    request: FileOperationInput,
    policy: ExecutionPolicy,
    manifest: tuple[Path, IO[bytes]] | None,
) -> bool:
    """Whether to handle a walked file: inside the roots, included, not too big, not our output."""
    if found.is_symlink and (not is_under_roots(target, policy) or not target.is_file()):
        return False
    if manifest is not None and target == manifest[0]:
        return False
    if not _included(found.relative, request.include):
        return False
    try:
        return target.stat().st_size <= request.max_file_bytes
    except OSError:
        return False


def _included(relative: str, patterns: list[str]) -> bool:
    if not patterns:
        return True
    path = Path(relative)
    return any(path.match(pattern) for pattern in patterns)


def _open_manifest(
    request: FileOperationInput, state: dict[str, Any], policy: ExecutionPolicy
) -> tuple[Path, IO[bytes]]:
    """The manifest file, cut back to what the last committed chunk wrote, opened for appending."""
    assert request.manifest_path is not None
    path = resolve_under_roots(request.manifest_path, policy)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("r+b" if path.exists() else "w+b")
    handle.truncate(state["manifest_bytes"])
    handle.seek(state["manifest_bytes"])
    return path, handle
