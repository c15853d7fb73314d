"""``audit purge`` leaves a signed checkpoint; ``verify`` starts there and refuses a forged one."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_tools.core.audit import AuditQuery
from agent_tools.core.principals import LOCAL_USER
from agent_tools.runtime import audit_log
from agent_tools.runtime.audit_log import AuditChainBrokenError
from agent_tools.runtime.audit_signing import signing_key
from agent_tools.stores.sqlite import SqliteStore
from tests.audit.cli import agent_tools
from tests.contract.audit_chains import access


def key_pair_from(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines())


@pytest.fixture
async def keys() -> dict[str, str]:
    ran = await agent_tools("keys", "generate", "--audit")
    assert ran.returncode == 0, ran.stderr
    pair = key_pair_from(ran.stdout)
    assert set(pair) == {"AGENT_TOOLS_AUDIT_SIGNING_KEY", "AGENT_TOOLS_AUDIT_PUBLIC_KEY"}
    return pair


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(f"sqlite:///{tmp_path / 'ops.db'}")
    await opened.open()
    await opened.append_audit([access(number) for number in range(1, 11)])
    yield opened
    await opened.close()


async def sqlite3(store: SqliteStore, statement: str) -> None:
    process = await asyncio.create_subprocess_exec("sqlite3", str(store.path), statement)
    assert await process.wait() == 0


async def test_purge_before_a_seq_leaves_a_chain_that_verifies_from_its_checkpoint(
    store: SqliteStore, keys: dict[str, str]
) -> None:
    ran = await agent_tools("audit", "purge", "--before", "5", "--store", store.url, env=keys)
    assert ran.returncode == 0, ran.stderr
    assert "removed 4 entries" in ran.stdout

    remaining = await store.read_audit(AuditQuery())
    assert [entry.seq for entry in remaining] == [5, 6, 7, 8, 9, 10, 11]
    assert remaining[-1].record.action == "audit.purge"
    assert remaining[-1].record.detail == {"removed": 4, "through_seq": 4}
    bounds = await store.audit_bounds()
    assert bounds.checkpoint is not None and bounds.checkpoint.seq == 4
    public = {"AGENT_TOOLS_AUDIT_PUBLIC_KEY": keys["AGENT_TOOLS_AUDIT_PUBLIC_KEY"]}
    verified = await agent_tools("audit", "verify", "--store", store.url, env=public)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("OK: 7 entries, head 11 ")


async def test_verify_after_a_purge_needs_the_public_key(
    store: SqliteStore, keys: dict[str, str]
) -> None:
    assert (
        await agent_tools("audit", "purge", "--before", "3", "--store", store.url, env=keys)
    ).returncode == 0
    ran = await agent_tools("audit", "verify", "--store", store.url)
    assert ran.returncode == 2
    assert "invalid_audit_key" in ran.stderr


async def test_a_forged_checkpoint_fails_verify(store: SqliteStore, keys: dict[str, str]) -> None:
    await agent_tools("audit", "purge", "--before", "5", "--store", store.url, env=keys)
    # Someone removes more entries and moves the checkpoint to hide it.
    entries = await store.read_audit(AuditQuery())
    await sqlite3(store, "DELETE FROM audit_log WHERE seq <= 6")
    await sqlite3(
        store,
        f"UPDATE audit_head SET checkpoint_seq = 6, checkpoint_hash = '{entries[1].hash}'",
    )
    public = {"AGENT_TOOLS_AUDIT_PUBLIC_KEY": keys["AGENT_TOOLS_AUDIT_PUBLIC_KEY"]}

    ran = await agent_tools("audit", "verify", "--store", store.url, env=public)
    assert ran.returncode == 1
    assert ran.stdout.startswith("BROKEN at entry 6: forged"), ran.stdout


async def test_a_checkpoint_signed_with_another_key_fails_verify(
    store: SqliteStore, keys: dict[str, str]
) -> None:
    other = key_pair_from((await agent_tools("keys", "generate", "--audit")).stdout)
    await agent_tools("audit", "purge", "--before", "5", "--store", store.url, env=other)
    public = {"AGENT_TOOLS_AUDIT_PUBLIC_KEY": keys["AGENT_TOOLS_AUDIT_PUBLIC_KEY"]}
    ran = await agent_tools("audit", "verify", "--store", store.url, env=public)
    assert ran.returncode == 1 and "forged" in ran.stdout


async def test_a_broken_chain_is_not_purged(store: SqliteStore, keys: dict[str, str]) -> None:
    await sqlite3(store, "UPDATE audit_log SET action = 'nothing' WHERE seq = 2")
    with pytest.raises(AuditChainBrokenError):
        await audit_log.purge(
            store, LOCAL_USER, signing_key(keys["AGENT_TOOLS_AUDIT_SIGNING_KEY"]), before_seq=5
        )
    assert len(await store.read_audit(AuditQuery())) == 10
    assert (await store.audit_bounds()).checkpoint is None


async def test_purge_by_age_removes_the_older_entries_only(
    tmp_path: Path, keys: dict[str, str]
) -> None:
    aged = SqliteStore(f"sqlite:///{tmp_path / 'aged.db'}")
    await aged.open()
    ten_days_ago = time.time() - 10 * 86400
    old = [dataclasses.replace(access(number), at=ten_days_ago) for number in range(3)]
    await aged.append_audit([*old, access(3), access(4)])
    await aged.close()

    ran = await agent_tools(
        "audit", "purge", "--older-than", "7d", "--store", aged.url, "--json", env=keys
    )
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {"removed": 3, "checkpoint_seq": 3}


async def test_purge_without_a_signing_key_is_refused_and_removes_nothing(
    store: SqliteStore,
) -> None:
    ran = await agent_tools("audit", "purge", "--before", "5", "--store", store.url)
    assert ran.returncode == 2 and "invalid_audit_key" in ran.stderr
    entries = await store.read_audit(AuditQuery())
    # Nothing removed; the refusal itself is recorded, like every refused access.
    assert len(entries) == 11
    assert (entries[-1].record.action, entries[-1].record.outcome) == (
        "audit.purge",
        "invalid_audit_key",
    )
