"""The SQLite file itself: URLs, pragmas, migrations, and records that outlive the store object."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from agent_tools.core.errors import StoreError
from agent_tools.core.records import LeaseRequest
from agent_tools.core.status import OperationStatus
from agent_tools.stores.columns import INSERT_COLUMNS, to_row
from agent_tools.stores.sqlite import SqliteStore
from agent_tools.stores.sqlite_loop_writer import LoopWriter
from agent_tools.stores.sqlite_schema import MIGRATIONS
from tests.contract.records import checkpoint, new_record


async def test_a_relative_url_creates_the_file_and_its_folders_under_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = SqliteStore("sqlite:///data/nested/ops.db")
    await store.open()
    await store.close()
    assert (tmp_path / "data" / "nested" / "ops.db").is_file()


async def test_an_absolute_url_with_four_slashes_names_an_absolute_path(tmp_path: Path) -> None:
    target = tmp_path / "abs" / "ops.db"
    store = SqliteStore(f"sqlite:///{target}")
    assert str(target).startswith("/") and store.path == target
    await store.open()
    await store.close()
    assert target.is_file()


async def test_the_file_is_in_wal_mode(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'ops.db'}")
    await store.open()
    await store.close()
    with sqlite3.connect(tmp_path / "ops.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("synchronous", ["NORMAL", "FULL"])
async def test_the_wal_starts_over_while_one_operation_checkpoints_without_pause(
    tmp_path: Path, synchronous: str
) -> None:
    # Each commit adds about 3.6 pages; the WAL must be copied back and written from its
    # start again as the run goes, not grow by every one of them (about 10,800 pages here).
    store = SqliteStore(f"sqlite:///{tmp_path / 'ops.db'}?synchronous={synchronous}")
    await store.open()
    try:
        await store.create_operation(new_record("long", status=OperationStatus.RUNNING))
        lease = await store.acquire_lease(
            LeaseRequest(operation_id="long", holder="runner", ttl_s=600), time.time()
        )
        assert lease is not None
        for step in range(1, 3001):
            assert await store.commit_checkpoint(checkpoint(lease, step=step)) == "committed"
            await asyncio.sleep(0)  # as a runner does: the WAL copy runs meanwhile
        wal_pages = (tmp_path / "ops.db-wal").stat().st_size / 4096
    finally:
        await store.close()
    assert wal_pages < 2500


def test_the_loop_writer_copies_the_wal_back_only_when_nothing_holds_frames(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ops.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode = WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")
    writer = LoopWriter(path, "NORMAL")
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        writer._db.execute("INSERT INTO t VALUES (1)")
        assert writer.copy_wal_back()
        # A reader's open snapshot keeps the frames after it from being copied back.
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM t").fetchone()
        writer._db.execute("INSERT INTO t VALUES (2)")
        assert not writer.copy_wal_back()
        reader.execute("COMMIT")
        assert writer.copy_wal_back()
        # Its connection belongs to the thread that opened it.
        writer._db.execute("INSERT INTO t VALUES (3)")
        with ThreadPoolExecutor(1) as elsewhere:
            assert not elsewhere.submit(writer.copy_wal_back).result()
    finally:
        reader.close()
        writer.close()


@pytest.mark.parametrize(
    ("query", "level"), [("", 1), ("?synchronous=NORMAL", 1), ("?synchronous=full", 2)]
)
async def test_synchronous_comes_from_the_url_and_defaults_to_normal(
    tmp_path: Path, query: str, level: int
) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'ops.db'}{query}")
    await store.open()
    try:
        applied = await store._run(lambda db: db.execute("PRAGMA synchronous").fetchone()[0])
        assert applied == level
    finally:
        await store.close()


@pytest.mark.parametrize(
    "url", ["sqlite:///ops.db?synchronous=OFF", "sqlite://host/ops.db", "sqlite://"]
)
def test_an_unusable_url_is_refused_with_a_hint(url: str) -> None:
    with pytest.raises(StoreError) as refused:
        SqliteStore(url)
    assert refused.value.hint


async def test_reopening_keeps_records_exactly_and_migrates_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    original = new_record("kept", priority=3, expires_at=1e10)
    first = SqliteStore(url)
    await first.open()
    await first.create_operation(original)
    await first.close()
    second = SqliteStore(url)
    await second.open()
    await second.open()
    try:
        assert await second.get_operation("kept") == original
    finally:
        await second.close()
    with sqlite3.connect(tmp_path / "ops.db") as db:
        versions = [row[0] for row in db.execute("SELECT version FROM schema_version")]
    assert versions == [len(MIGRATIONS)]


async def test_a_file_of_schema_version_1_is_migrated_and_its_records_read(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (1)")
        for statement in MIGRATIONS[0]:
            db.execute(statement)
    old = new_record("from-v1", status=OperationStatus.PAUSED)
    columns = [name.strip() for name in INSERT_COLUMNS.split(",")]
    v1_values = {
        name: value
        for name, value in zip(columns, to_row(old), strict=True)
        if name not in ("input_round", "dropped_items")  # added by later migrations
    }
    with sqlite3.connect(path) as db:
        db.execute(
            f"INSERT INTO operations ({', '.join(v1_values)}) "
            f"VALUES ({', '.join('?' for _ in v1_values)})",
            list(v1_values.values()),
        )
    store = SqliteStore(f"sqlite:///{path}")
    await store.open()
    try:
        assert await store.get_operation("from-v1") == old
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone() == (len(MIGRATIONS),)
