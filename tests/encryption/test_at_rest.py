"""Encryption at rest: the raw bytes of every store hold no known plaintext.

The secret goes into an operation's input, state, a result item, its result, an
answer and an agent's notes; then the SQLite file and its WAL, PostgreSQL's tables
and Redis's keys are read raw and searched for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_tools import Engine
from agent_tools.stores import open_store, with_encryption
from agent_tools.stores.encryption import EncryptionKeyError, new_key_line
from tests.encryption.raw_stores import raw_store, sqlite_bytes
from tests.encryption.secret_ops import SECRET, fill, registry

KEYS = new_key_line()


@pytest.mark.parametrize("backend", ["sqlite", "postgres", "redis"])
async def test_no_store_holds_the_plaintext(backend: str, tmp_path: Path) -> None:
    async with raw_store(backend, tmp_path) as opened:
        async with Engine(with_encryption(opened.store, KEYS), registry=registry) as engine:
            await fill(engine)
            held = await opened.raw()
        assert b"Sesame" not in held
        assert b'"$enc"' in held or b"$enc" in held


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_without_keys_the_plaintext_is_there(backend: str, tmp_path: Path) -> None:
    """The control: the same search finds the secret when nothing is encrypted."""
    async with raw_store(backend, tmp_path) as opened:
        async with Engine(opened.store, registry=registry) as engine:
            await fill(engine)
        held = await opened.raw()
    assert SECRET.encode() in held


async def test_a_wrong_or_missing_key_is_a_clear_error_never_garbage(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    async with Engine(with_encryption(open_store(url), KEYS), registry=registry) as engine:
        view = await engine.execute_incrementally("agent_task", {"goal": SECRET})
    wrong = KEYS.split(":")[0] + ":" + new_key_line().split(":", 1)[1]
    for keys in (wrong, new_key_line()):
        async with Engine(with_encryption(open_store(url), keys), registry=registry) as engine:
            with pytest.raises(EncryptionKeyError) as refused:
                await engine.resume(view.operation_id)
        assert refused.value.code == "encryption_key_error"
        assert "keys generate" in refused.value.hint


async def test_after_rotation_old_values_stay_readable_and_new_ones_use_the_new_key(
    tmp_path: Path,
) -> None:
    database = tmp_path / "ops.db"
    url = f"sqlite:///{database}"
    async with Engine(with_encryption(open_store(url), KEYS), registry=registry) as engine:
        old = await engine.execute_incrementally("agent_task", {"goal": "old"})
    newer = new_key_line()
    rotated = f"{KEYS},{newer}"
    async with Engine(with_encryption(open_store(url), rotated), registry=registry) as engine:
        kept = await engine.resume(old.operation_id)
        await engine.execute_incrementally("agent_task", {"goal": "new"})
    held = sqlite_bytes(database)
    assert kept.operation_id == old.operation_id
    assert f"v1:{newer.split(':')[0]}:".encode() in held
    assert f"v1:{KEYS.split(':')[0]}:".encode() in held
