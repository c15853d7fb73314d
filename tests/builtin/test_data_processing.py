"""data_processing: exact filters and aggregates, and re-runs that never duplicate output."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from agent_tools.builtin.data_processing import data_processing
from agent_tools.core.errors import AccessDeniedError, InvalidInputError
from agent_tools.core.policy import ExecutionPolicy
from tests.builtin.helpers import initial_state, parse_input, run_all, run_chunk

CITIES = ["Oslo", "Lima", "Pune", "Kyiv", "Bern"]


def sales_rows(count: int = 700) -> list[dict[str, Any]]:
    draws = random.Random(7)
    return [
        {
            "id": number,
            "city": draws.choice(CITIES),
            "amount": round(draws.uniform(-50, 500), 2),
            "note": draws.choice(["plain", 'says "hi", twice', "multi\nline", ""]),
        }
        for number in range(count)
    ]


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def reference_aggregates(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        amount = float(row["amount"])
        group = groups.setdefault(row["city"], {"count": 0, "sum": 0.0, "amounts": []})
        group["count"] += 1
        group["sum"] += amount
        group["amounts"].append(amount)
    return {
        city: {
            "count(*)": group["count"],
            "sum(amount)": group["sum"],
            "min(amount)": min(group["amounts"]),
            "max(amount)": max(group["amounts"]),
            "mean(amount)": group["sum"] / group["count"],
        }
        for city, group in groups.items()
    }


AGGREGATES = [
    {"function": "count"},
    {"function": "sum", "field": "amount"},
    {"function": "min", "field": "amount"},
    {"function": "max", "field": "amount"},
    {"function": "mean", "field": "amount"},
]


@pytest.mark.parametrize("file_format", ["csv", "jsonl"])
async def test_filtered_aggregates_equal_a_direct_computation(
    root: Path, policy: ExecutionPolicy, file_format: str
) -> None:
    rows = sales_rows()
    writer = write_csv if file_format == "csv" else write_jsonl
    source = writer(root / f"sales.{file_format}", rows)
    run = await run_all(
        data_processing,
        {
            "path": str(source),
            "where": [
                {"field": "amount", "op": "ge", "value": 100},
                {"field": "city", "op": "ne", "value": "Bern"},
            ],
            "group_by": ["city"],
            "aggregates": AGGREGATES,
        },
        policy,
        chunk_size=64,
    )
    kept = [row for row in rows if row["amount"] >= 100 and row["city"] != "Bern"]
    expected = reference_aggregates(kept)
    got = {entry["group"]["city"]: entry["values"] for entry in run.result["aggregates"]}
    assert got == expected
    assert run.result["rows_read"] == len(rows)
    assert run.result["rows_matched"] == len(kept)


@pytest.mark.parametrize(
    ("condition", "keep"),
    [
        ({"field": "city", "op": "eq", "value": "Lima"}, lambda row: row["city"] == "Lima"),
        (
            {"field": "city", "op": "in", "value": ["Oslo", "Pune"]},
            lambda row: row["city"] in ("Oslo", "Pune"),
        ),
        ({"field": "note", "op": "contains", "value": '"hi"'}, lambda row: '"hi"' in row["note"]),
        (
            {"field": "city", "op": "regex", "value": "^[KB]"},
            lambda row: re.search("^[KB]", row["city"]) is not None,
        ),
        ({"field": "amount", "op": "lt", "value": 0}, lambda row: row["amount"] < 0),
        ({"field": "id", "op": "gt", "value": 650}, lambda row: row["id"] > 650),
        ({"field": "id", "op": "le", "value": 3}, lambda row: row["id"] <= 3),
    ],
)
async def test_each_condition_keeps_exactly_the_rows_it_names(
    root: Path, policy: ExecutionPolicy, condition: dict[str, Any], keep: Any
) -> None:
    rows = sales_rows()
    source = write_csv(root / "sales.csv", rows)
    run = await run_all(
        data_processing,
        {"path": str(source), "where": [condition], "select": ["id"], "max_result_rows": 10_000},
        policy,
        chunk_size=100,
    )
    assert [int(item["id"]) for item in run.items] == [row["id"] for row in rows if keep(row)]


async def test_csv_fields_with_quotes_and_newlines_survive_chunk_boundaries(
    root: Path, policy: ExecutionPolicy
) -> None:
    rows = sales_rows(50)
    source = write_csv(root / "sales.csv", rows)
    run = await run_all(
        data_processing, {"path": str(source), "select": ["id", "note"]}, policy, chunk_size=3
    )
    assert run.items == [{"id": str(row["id"]), "note": row["note"]} for row in rows]


async def write_chunk_by_chunk(
    raw: dict[str, Any], policy: ExecutionPolicy, chunk_size: int, rerun_every_chunk: bool
) -> dict[str, Any]:
    request = parse_input(data_processing, raw)
    state = initial_state(data_processing, request)
    for chunk_index in range(10_000):
        result = await run_chunk(data_processing, request, state, chunk_index, policy, chunk_size)
        if rerun_every_chunk:
            again = await run_chunk(
                data_processing, request, state, chunk_index, policy, chunk_size
            )
            assert again.model_dump() == result.model_dump()
        state = result.next_state
        if result.completed:
            return result.result  # type: ignore[return-value]
    raise AssertionError("did not complete")


@pytest.mark.parametrize("output_name", ["out.csv", "out.jsonl"])
async def test_rerunning_chunks_writes_the_output_once(
    root: Path, policy: ExecutionPolicy, output_name: str
) -> None:
    source = write_jsonl(root / "sales.jsonl", sales_rows())
    raw = {
        "path": str(source),
        "where": [{"field": "city", "op": "eq", "value": "Oslo"}],
        "select": ["id", "amount", "note"],
        "output_path": str(root / "result" / output_name),
    }
    uninterrupted = await write_chunk_by_chunk(raw, policy, 50, rerun_every_chunk=False)
    expected = (root / "result" / output_name).read_bytes()
    (root / "result" / output_name).write_bytes(expected + b"rows an older run wrote\n" * 99)
    rerun = await write_chunk_by_chunk(raw, policy, 50, rerun_every_chunk=True)
    assert (root / "result" / output_name).read_bytes() == expected
    assert rerun == uninterrupted


async def test_written_csv_holds_exactly_the_selected_matching_rows(
    root: Path, policy: ExecutionPolicy
) -> None:
    rows = sales_rows()
    source = write_jsonl(root / "sales.jsonl", rows)
    await run_all(
        data_processing,
        {
            "path": str(source),
            "where": [{"field": "city", "op": "eq", "value": "Kyiv"}],
            "select": ["id", "note"],
            "output_path": "kyiv.csv",
        },
        policy,
        chunk_size=33,
    )
    with (root / "kyiv.csv").open(newline="") as handle:
        written = list(csv.DictReader(handle))
    assert written == [
        {"id": str(row["id"]), "note": row["note"]} for row in rows if row["city"] == "Kyiv"
    ]


async def test_progress_is_measured_in_bytes_of_the_input(
    root: Path, policy: ExecutionPolicy
) -> None:
    source = write_csv(root / "sales.csv", sales_rows())
    request = parse_input(data_processing, {"path": str(source)})
    result = await run_chunk(
        data_processing, request, initial_state(data_processing, request), 0, policy, 100
    )
    update = result.progress_update
    assert update is not None
    assert update.total_steps == source.stat().st_size
    assert 0 < (update.current_step or 0) < source.stat().st_size


async def test_an_output_outside_the_roots_is_refused(
    root: Path, outside: Path, policy: ExecutionPolicy
) -> None:
    source = write_csv(root / "sales.csv", sales_rows(10))
    with pytest.raises(AccessDeniedError):
        await run_all(
            data_processing,
            {"path": str(source), "output_path": str(outside / "stolen.csv")},
            policy,
            chunk_size=5,
        )
    assert not (outside / "stolen.csv").exists()


async def test_too_many_groups_are_refused_with_a_hint(root: Path, policy: ExecutionPolicy) -> None:
    source = write_csv(root / "sales.csv", sales_rows(100))
    with pytest.raises(InvalidInputError) as refused:
        await run_all(
            data_processing,
            {
                "path": str(source),
                "group_by": ["id"],
                "aggregates": [{"function": "count"}],
                "max_groups": 50,
            },
            policy,
            chunk_size=10,
        )
    assert "max_groups" in refused.value.hint
