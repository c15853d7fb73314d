"""``data_processing``: stream CSV or JSONL by byte offset; filter, select, aggregate, write."""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from agent_tools.builtin.data_query import Aggregate, Aggregator, Condition, matches
from agent_tools.builtin.data_rows import (
    RowFormat,
    RowWriter,
    format_of,
    read_csv_header,
    read_rows,
)
from agent_tools.builtin.paths import open_under_roots, resolve_under_roots
from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.definitions import ChunkResult, ProgressUpdate, operation
from agent_tools.core.errors import InvalidInputError


class DataProcessingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="The CSV or JSONL file to read, under an allowed root.")
    format: RowFormat | None = Field(
        default=None, description="csv or jsonl; by default taken from the file extension."
    )
    where: list[Condition] = Field(
        default_factory=list,
        description="Conditions {field, op, value}; op is one of eq, ne, lt, le, gt, ge, "
        "contains, regex, in (value a list).",
    )
    match: Literal["all", "any"] = Field(
        default="all", description="Keep rows matching all conditions, or any of them."
    )
    select: list[str] | None = Field(
        default=None, description="Keep only these fields of each matching row (in this order)."
    )
    group_by: list[str] = Field(default_factory=list, description="Fields to group aggregates by.")
    aggregates: list[Aggregate] = Field(
        default_factory=list,
        description="Aggregates over matching rows: {function: count|sum|min|max|mean, field}.",
    )
    max_groups: int = Field(
        default=10_000,
        ge=1,
        le=100_000,
        description="Refuse to go on past this many groups (they live in the saved state).",
    )
    output_path: str | None = Field(
        default=None, description="Write matching (selected) rows to this file under a root."
    )
    output_format: RowFormat | None = Field(
        default=None, description="csv or jsonl; by default taken from output_path's extension."
    )
    max_result_rows: int = Field(
        default=100,
        ge=0,
        le=10_000,
        description="Without output_path: how many matching rows to return as result items.",
    )


def _initial_state(request: BaseModel) -> dict[str, Any]:
    return {
        "offset": None,
        "header": None,
        "rows_read": 0,
        "rows_matched": 0,
        "groups": {},
        "output_bytes": 0,
        "output_fields": None,
    }


@operation(
    name="data_processing",
    input_model=DataProcessingInput,
    initial_state=_initial_state,
    chunk_size=5000,
    adaptive_chunk_size=True,
    max_chunk_size=1_000_000,
    description=(
        "Stream a large CSV or JSONL file under an allowed root, chunk_size rows per chunk: "
        "filter rows (`where`), keep fields (`select`), aggregate count/sum/min/max/mean "
        "by `group_by`, and write matching rows to `output_path` (CSV or JSONL). The read "
        "position, aggregates and output size are checkpointed, so a crash mid-file loses "
        "nothing and duplicates nothing. The result holds the aggregates and counts."
    ),
)
def data_processing(
    request: DataProcessingInput, state: dict[str, Any], progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Read up to ``chunk_size`` rows from the committed byte offset and fold them in."""
    source = resolve_under_roots(request.path, progress.policy)
    if not source.is_file():
        raise InvalidInputError(
            f"{request.path!r} is not a file.", "Give an existing CSV or JSONL file."
        )
    source_format = format_of(request.path, request.format)
    writer = _writer(request, state, progress, source)
    aggregator = Aggregator(
        request.aggregates, request.group_by, copy.deepcopy(state["groups"]), request.max_groups
    )
    items: list[JsonValue] = []
    matched = read = 0
    finished = True
    try:
        with open_under_roots(source, progress.policy) as handle:
            header, offset = state["header"] or [], state["offset"]
            if offset is None:
                header, offset = read_csv_header(handle) if source_format == "csv" else ([], 0)
            for row, after in read_rows(handle, source_format, header, offset):
                read += 1
                offset = after
                if _keeps(request, row):
                    matched += 1
                    kept = _selected(request, row)
                    aggregator.add(row)
                    if writer is not None:
                        writer.write(kept)
                    elif state["rows_matched"] + matched <= request.max_result_rows:
                        items.append(kept)
                if read >= progress.chunk_size or progress.cancel_requested:
                    finished = handle.read(1) == b""
                    break
            size = source.stat().st_size
    finally:
        output_bytes = writer.close() if writer is not None else 0
    next_state = {
        "offset": offset,
        "header": header,
        "rows_read": state["rows_read"] + read,
        "rows_matched": state["rows_matched"] + matched,
        "groups": aggregator.groups,
        "output_bytes": output_bytes,
        "output_fields": writer.fields if writer is not None else None,
    }
    result = None
    if finished:
        result = {
            "rows_read": next_state["rows_read"],
            "rows_matched": next_state["rows_matched"],
            "aggregates": aggregator.summary(),
            "output_path": str(writer.path) if writer is not None else None,
        }
    return ChunkResult(
        items=items,
        next_state=next_state,
        progress_update=ProgressUpdate(
            current_step=offset, total_steps=size, label=f"byte {offset}"
        ),
        completed=finished,
        result=result,
    )


def _writer(
    request: DataProcessingInput, state: dict[str, Any], progress: ChunkProgress, source: Any
) -> RowWriter | None:
    if request.output_path is None:
        return None
    target = resolve_under_roots(request.output_path, progress.policy)
    if target == source:
        raise InvalidInputError(
            "output_path is the input file.", "Write the output to a different file."
        )
    output_format = format_of(request.output_path, request.output_format)
    fields = state["output_fields"] or request.select
    return RowWriter(target, output_format, fields, state["output_bytes"])


def _keeps(request: DataProcessingInput, row: dict[str, Any]) -> bool:
    if not request.where:
        return True
    results = (matches(row, condition) for condition in request.where)
    return all(results) if request.match == "all" else any(results)


def _selected(request: DataProcessingInput, row: dict[str, Any]) -> dict[str, Any]:
    if request.select is None:
        return row
    return {name: row.get(name) for name in request.select}
