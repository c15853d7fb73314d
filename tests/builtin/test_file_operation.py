"""file_operation: search, checksum and count over a tree, safe against escapes and re-runs."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from agent_tools.builtin.file_operation import file_operation
from agent_tools.core.errors import AccessDeniedError
from agent_tools.core.policy import ExecutionPolicy
from tests.builtin.helpers import initial_state, parse_input, run_all, run_chunk


def make_source_tree(root: Path) -> Path:
    tree = root / "src"
    for number in range(23):
        folder = tree / f"pkg{number % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = [f"line {line} of file {number}" for line in range(30)]
        lines[number % 30] = f"needle_{number} = {number * 7}"
        lines.append("Needle in capitals")
        (folder / f"module{number}.py").write_text("\n".join(lines) + "\n")
    (tree / "notes.md").write_text("no match here\nneedle_md = 1\n")
    (tree / "image.bin").write_bytes(b"\x89PNG\0\0needle_binary\n")
    return tree


def reference_matches(tree: Path, pattern: str) -> list[tuple[str, int, str]]:
    expected = []
    for path in sorted(tree.rglob("*"), key=lambda item: item.relative_to(tree).parts):
        if not path.is_file() or b"\0" in path.read_bytes():
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(pattern, line):
                expected.append((path.relative_to(tree).as_posix(), number, line))
    return expected


async def test_search_finds_exactly_the_matching_lines_across_chunks(
    root: Path, policy: ExecutionPolicy
) -> None:
    tree = make_source_tree(root)
    run = await run_all(
        file_operation,
        {"action": "search", "path": str(tree), "pattern": r"needle_\d+"},
        policy,
        chunk_size=3,
    )
    found = [(item["path"], item["line"], item["text"]) for item in run.items]
    assert found == reference_matches(tree, r"needle_\d+")
    assert run.result["totals"]["matches"] == len(found)
    assert run.result["files"] == 25


async def test_search_skips_binary_files(root: Path, policy: ExecutionPolicy) -> None:
    tree = make_source_tree(root)
    run = await run_all(
        file_operation,
        {"action": "search", "path": str(tree), "pattern": "needle_binary"},
        policy,
        chunk_size=50,
    )
    assert run.items == []
    assert run.result["totals"]["binary_files_skipped"] == 1


async def test_search_honours_ignore_case_include_and_max_file_size(
    root: Path, policy: ExecutionPolicy
) -> None:
    tree = make_source_tree(root)
    (tree / "big.py").write_text("NEEDLE in capitals\n" * 1000)
    run = await run_all(
        file_operation,
        {
            "action": "search",
            "path": str(tree),
            "pattern": "needle in",
            "ignore_case": True,
            "include": ["*.py"],
            "max_file_bytes": 5000,
        },
        policy,
        chunk_size=4,
    )
    assert {item["path"] for item in run.items} == {
        path.relative_to(tree).as_posix() for path in tree.rglob("module*.py")
    }
    assert run.result["files_skipped"] == 3


async def test_a_path_outside_the_roots_is_refused(
    outside: Path, policy: ExecutionPolicy, root: Path
) -> None:
    with pytest.raises(AccessDeniedError):
        await run_all(
            file_operation,
            {"action": "search", "path": str(root / ".." / "outside"), "pattern": "x"},
            policy,
            chunk_size=10,
        )


async def test_a_symlinked_file_pointing_outside_is_never_read(
    root: Path, outside: Path, policy: ExecutionPolicy
) -> None:
    (root / "inside.txt").write_text("needle inside\n")
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "leakdir").symlink_to(outside)
    run = await run_all(
        file_operation,
        {"action": "search", "path": str(root), "pattern": "needle"},
        policy,
        chunk_size=10,
    )
    assert [item["path"] for item in run.items] == ["inside.txt"]
    assert run.result["files_skipped"] == 2


async def test_checksums_equal_sha256_of_each_file(root: Path, policy: ExecutionPolicy) -> None:
    tree = make_source_tree(root)
    run = await run_all(
        file_operation, {"action": "checksum", "path": str(tree)}, policy, chunk_size=4
    )
    expected = {
        path.relative_to(tree).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in tree.rglob("*")
        if path.is_file()
    }
    assert {item["path"]: item["sha256"] for item in run.items} == expected


async def test_rerunning_a_checksum_chunk_rewrites_the_same_manifest(
    root: Path, policy: ExecutionPolicy
) -> None:
    tree = make_source_tree(root)
    raw = {"action": "checksum", "path": str(tree), "manifest_path": str(root / "MANIFEST")}
    uninterrupted = await run_all(file_operation, raw, policy, chunk_size=5)
    expected = (root / "MANIFEST").read_text()
    assert len(expected.splitlines()) == 25
    assert uninterrupted.result["manifest_path"] == str(root / "MANIFEST")

    (root / "MANIFEST").write_text(expected + "lines an older run wrote\n" * 99)
    request = parse_input(file_operation, raw)
    state = initial_state(file_operation, request)
    chunk_index = 0
    while True:
        first = await run_chunk(file_operation, request, state, chunk_index, policy, 5)
        again = await run_chunk(file_operation, request, state, chunk_index, policy, 5)
        assert again.model_dump() == first.model_dump()
        state, chunk_index = again.next_state, chunk_index + 1
        if again.completed:
            break
    assert (root / "MANIFEST").read_text() == expected


async def test_a_manifest_outside_the_roots_is_refused(
    root: Path, outside: Path, policy: ExecutionPolicy
) -> None:
    make_source_tree(root)
    with pytest.raises(AccessDeniedError):
        await run_all(
            file_operation,
            {"action": "checksum", "path": str(root), "manifest_path": str(outside / "M")},
            policy,
            chunk_size=5,
        )
    assert not (outside / "M").exists()


async def test_count_totals_equal_a_direct_count(root: Path, policy: ExecutionPolicy) -> None:
    tree = make_source_tree(root)
    (tree / "no_newline.txt").write_text("one\ntwo")
    run = await run_all(file_operation, {"action": "count", "path": str(tree)}, policy, 7)
    files = [path for path in tree.rglob("*") if path.is_file()]
    totals = run.result["totals"]
    assert totals["files"] == len(files)
    assert totals["bytes"] == sum(path.stat().st_size for path in files)
    assert totals["lines"] == sum(len(path.read_bytes().splitlines()) for path in files)
    python = [path for path in files if path.suffix == ".py"]
    assert totals["by_extension"][".py"] == {
        "files": len(python),
        "lines": sum(len(path.read_bytes().splitlines()) for path in python),
        "bytes": sum(path.stat().st_size for path in python),
    }


async def test_a_broken_symlink_is_skipped_not_fatal(root: Path, policy: ExecutionPolicy) -> None:
    (root / "a.txt").write_text("needle\n")
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    run = await run_all(
        file_operation, {"action": "checksum", "path": str(root)}, policy, chunk_size=10
    )
    assert [item["path"] for item in run.items] == ["a.txt"]
    assert run.result["files_skipped"] == 1
