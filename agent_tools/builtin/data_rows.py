"""Rows of a CSV or JSONL file read from a byte offset, and written to an output file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

from agent_tools.core.errors import InvalidInputError

RowFormat = Literal["csv", "jsonl"]


def format_of(path: str, declared: RowFormat | None) -> RowFormat:
    """The declared format, or the one the file name implies."""
    if declared is not None:
        return declared
    lowered = path.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    raise InvalidInputError(
        f"Cannot tell the format of {path!r} from its name.",
        "Pass format='csv' or format='jsonl'.",
    )


def read_csv_header(handle: IO[bytes]) -> tuple[list[str], int]:
    """The column names of a CSV file and the byte offset where its data starts."""
    handle.seek(0)
    record = _next_csv_record(handle)
    if record is None:
        return [], handle.tell()
    return record, handle.tell()


def read_rows(
    handle: IO[bytes], file_format: RowFormat, header: list[str], offset: int
) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield ``(row, offset after the row)`` from ``offset`` on; blank lines are skipped."""
    handle.seek(offset)
    while True:
        if file_format == "csv":
            record = _next_csv_record(handle)
            if record is None:
                return
            if record == []:
                continue
            yield dict(zip(header, record, strict=False)), handle.tell()
        else:
            line = handle.readline()
            if not line:
                return
            if not line.strip():
                continue
            yield _json_row(line, handle.tell()), handle.tell()


def _next_csv_record(handle: IO[bytes]) -> list[str] | None:
    """Read physical lines until the quotes balance (a field may span lines), then parse."""
    buffer = b""
    while True:
        line = handle.readline()
        if not line:
            break
        buffer += line
        if buffer.count(b'"') % 2 == 0:
            break
    if not buffer:
        return None
    text = buffer.decode("utf-8-sig" if handle.tell() == len(buffer) else "utf-8", "replace")
    records = list(csv.reader(io.StringIO(text)))
    return records[0] if records else []


def _json_row(line: bytes, offset: int) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as invalid:
        raise InvalidInputError(
            f"The JSONL line ending at byte {offset} is not valid JSON: {invalid}.",
            "Fix the file, or filter it first; every line must be one JSON object.",
        ) from invalid
    if not isinstance(value, dict):
        raise InvalidInputError(
            f"The JSONL line ending at byte {offset} is not a JSON object.",
            "Every line must be one JSON object.",
        )
    return value


class RowWriter:
    """Appends rows to an output file, first cutting it back to the committed size.

    Cutting back makes a re-run of a chunk overwrite what its earlier,
    uncommitted run wrote, instead of writing the rows twice.
    """

    def __init__(
        self, path: Path, file_format: RowFormat, fields: list[str] | None, committed_bytes: int
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._format = file_format
        self._fields = fields
        self._handle = path.open("r+b" if path.exists() else "w+b")
        self._handle.truncate(committed_bytes)
        self._handle.seek(committed_bytes)
        self._text = io.TextIOWrapper(self._handle, encoding="utf-8", newline="")
        self._csv = csv.writer(self._text)
        if file_format == "csv" and committed_bytes == 0 and fields is not None:
            self._csv.writerow(fields)

    @property
    def fields(self) -> list[str] | None:
        """The CSV columns written so far (keep them in state for the next chunk)."""
        return self._fields

    def write(self, row: dict[str, Any]) -> None:
        if self._format == "jsonl":
            self._text.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
            return
        if self._fields is None:
            self._fields = list(row)
            self._csv.writerow(self._fields)
        self._csv.writerow([_csv_cell(row.get(name)) for name in self._fields])

    def close(self) -> int:
        """Flush to disk and return the file's size, the offset to commit."""
        self._text.flush()
        self._handle.flush()
        size = self._handle.tell()
        self._text.close()
        return size


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value
