"""The raw commit floors every SQLite figure is compared with.

One transaction per step that updates a ~200-byte state row and inserts one
result row, in WAL mode, with the given ``synchronous``: through aiosqlite
(one awaited statement each, as a plain driver user would) and through sqlite3.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import aiosqlite

STATE = "x" * 200
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY, body TEXT, step INTEGER)",
    "CREATE TABLE IF NOT EXISTS results (step INTEGER PRIMARY KEY, body TEXT)",
    "INSERT OR IGNORE INTO state VALUES (1, '', 0)",
)


async def aiosqlite_floor(folder: Path, steps: int, synchronous: str) -> float:
    """Steps per second committing each step as its own aiosqlite transaction."""
    path = folder / f"floor-aiosqlite-{synchronous}.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute(f"PRAGMA synchronous={synchronous}")
        for statement in SCHEMA:
            await db.execute(statement)
        started = time.perf_counter()
        for step in range(steps):
            await db.execute("BEGIN")
            await db.execute("UPDATE state SET body = ?, step = ? WHERE id = 1", (STATE, step))
            await db.execute("INSERT INTO results VALUES (?, ?)", (step, '{"n": 1}'))
            await db.execute("COMMIT")
        return steps / (time.perf_counter() - started)


def sqlite3_floor(folder: Path, steps: int, synchronous: str) -> float:
    """The same transactions through the plain sqlite3 module, no thread hop."""
    path = folder / f"floor-sqlite3-{synchronous}.db"
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous}")
        for statement in SCHEMA:
            db.execute(statement)
        started = time.perf_counter()
        for step in range(steps):
            db.execute("BEGIN")
            db.execute("UPDATE state SET body = ?, step = ? WHERE id = 1", (STATE, step))
            db.execute("INSERT INTO results VALUES (?, ?)", (step, '{"n": 1}'))
            db.execute("COMMIT")
        return steps / (time.perf_counter() - started)
    finally:
        db.close()
