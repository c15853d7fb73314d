"""What ``file_operation`` does with each file: search, checksum or count."""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import PurePosixPath
from typing import Any, BinaryIO, Protocol

from pydantic import JsonValue

MAX_LINE_CHARS = 300
"""A matching line is cut to this length in its result item, so items stay small."""
SNIFF_BYTES = 8192


class FileAction(Protocol):
    """One action over the walked files; totals are JSON and live in the operation state."""

    def initial_totals(self) -> dict[str, Any]: ...

    def handle(
        self, request: Any, source: BinaryIO, relative: str, totals: dict[str, Any]
    ) -> list[JsonValue]:
        """Act on one opened file (``relative`` is its path under the walked folder)."""
        ...


def is_binary(source: BinaryIO) -> bool:
    """A file is treated as binary when its first block holds a NUL byte."""
    binary = b"\0" in source.read(SNIFF_BYTES)
    source.seek(0)
    return binary


def sha256_of(source: BinaryIO) -> str:
    """The hex sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    for block in iter(lambda: source.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


class SearchAction:
    """Regex matches per line of text files, one result item per match."""

    def initial_totals(self) -> dict[str, Any]:
        return {"matches": 0, "files_with_matches": 0, "binary_files_skipped": 0}

    def handle(
        self, request: Any, source: BinaryIO, relative: str, totals: dict[str, Any]
    ) -> list[JsonValue]:
        if is_binary(source):
            totals["binary_files_skipped"] += 1
            return []
        pattern = re.compile(request.pattern, re.IGNORECASE if request.ignore_case else 0)
        items: list[JsonValue] = []
        text_source = io.TextIOWrapper(source, encoding="utf-8", errors="replace", newline="")
        with text_source as handle:
            for number, line in enumerate(handle, start=1):
                text = line.rstrip("\r\n")
                match = pattern.search(text)
                if match is None:
                    continue
                items.append(
                    {
                        "path": relative,
                        "line": number,
                        "column": match.start() + 1,
                        "text": text[:MAX_LINE_CHARS],
                    }
                )
                if len(items) >= request.max_matches_per_file:
                    break
        totals["matches"] += len(items)
        totals["files_with_matches"] += 1 if items else 0
        return items


class ChecksumAction:
    """A sha256 per file, one result item each."""

    def initial_totals(self) -> dict[str, Any]:
        return {"files": 0, "bytes": 0}

    def handle(
        self, request: Any, source: BinaryIO, relative: str, totals: dict[str, Any]
    ) -> list[JsonValue]:
        digest = sha256_of(source)
        size = os.fstat(source.fileno()).st_size
        totals["files"] += 1
        totals["bytes"] += size
        return [{"path": relative, "sha256": digest, "bytes": size}]


class CountAction:
    """Files, lines and bytes overall and per extension; no items, the totals are the result."""

    def initial_totals(self) -> dict[str, Any]:
        return {"files": 0, "lines": 0, "bytes": 0, "by_extension": {}}

    def handle(
        self, request: Any, source: BinaryIO, relative: str, totals: dict[str, Any]
    ) -> list[JsonValue]:
        size = lines = 0
        last = b"\n"
        for block in iter(lambda: source.read(1 << 20), b""):
            size += len(block)
            lines += block.count(b"\n")
            last = block[-1:]
        if last != b"\n":
            lines += 1
        extension = PurePosixPath(relative).suffix.lower() or "(none)"
        per_extension = totals["by_extension"].setdefault(
            extension, {"files": 0, "lines": 0, "bytes": 0}
        )
        for bucket in (totals, per_extension):
            bucket["files"] += 1
            bucket["lines"] += lines
            bucket["bytes"] += size
        return []


ACTIONS: dict[str, FileAction] = {
    "search": SearchAction(),
    "checksum": ChecksumAction(),
    "count": CountAction(),
}


def action_for(name: str) -> FileAction:
    """The action object for ``name`` (validated by the input model)."""
    return ACTIONS[name]
