"""Tampering with stored audit rows by hand: ``audit verify`` names the first bad entry.

Each backend is edited with its own client (sqlite3, psql, redis-cli), as someone
with access to the database but not to agent-tools would do it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_tools.stores.base import Store
from tests.audit.cli import agent_tools, run_client, store_url
from tests.contract.audit_chains import access
from tests.contract.backends import opened_store
from tests.services import POSTGRES_URL, REDIS_URL

STORED = ("sqlite", "postgres", "redis")
SQL_TAMPERING = {
    "edit": "UPDATE audit_log SET principal = 'mallory' WHERE seq = 3",
    "delete": "DELETE FROM audit_log WHERE seq = 3",
    "swap": "UPDATE audit_log SET seq = -seq WHERE seq IN (3, 4); "
    "UPDATE audit_log SET seq = 7 + seq WHERE seq IN (-3, -4)",
    "truncate": "DELETE FROM audit_log WHERE seq = 6",
}
EXPECTED = {
    "edit": "BROKEN at entry 3: edited",
    "delete": "BROKEN at entry 3: deleted",
    "swap": "BROKEN at entry 3: reordered",
    "truncate": "BROKEN at entry 6: deleted",
}


async def redis(store: Store, *arguments: str) -> str:
    return await run_client("redis-cli", "-u", REDIS_URL, *arguments)


async def tamper_redis(store: Store, how: str) -> None:
    key = f"{store.prefix}:audit:log"  # type: ignore[attr-defined]
    third, fourth = (await redis(store, "ZRANGEBYSCORE", key, "3", "4")).splitlines()
    if how == "edit":
        edited = json.loads(third)
        edited["record"]["principal"] = "mallory"
        await redis(store, "ZREM", key, third)
        await redis(store, "ZADD", key, "3", json.dumps(edited, separators=(",", ":")))
    elif how == "delete":
        await redis(store, "ZREMRANGEBYSCORE", key, "3", "3")
    elif how == "swap":
        await redis(store, "ZADD", key, "XX", "4", third, "3", fourth)
    else:
        await redis(store, "ZREMRANGEBYSCORE", key, "6", "6")


async def tamper(backend: str, store: Store, how: str) -> None:
    """Change the stored rows with the database's own command-line client."""
    if backend == "sqlite":
        await run_client("sqlite3", str(store.path), SQL_TAMPERING[how])  # type: ignore[attr-defined]
    elif backend == "postgres":
        statement = f'SET search_path TO "{store.schema}"; {SQL_TAMPERING[how]}'  # type: ignore[attr-defined]
        await run_client("psql", "-v", "ON_ERROR_STOP=1", POSTGRES_URL, "-c", statement)
    else:
        await tamper_redis(store, how)


@pytest.fixture(params=STORED)
async def filled(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, Store]]:
    """A store of each kind holding six chained entries."""
    backend = str(request.param)
    async with opened_store(backend, tmp_path) as store:
        await store.append_audit([access(number) for number in range(1, 7)])
        yield backend, store


async def test_an_untouched_chain_verifies(filled: tuple[str, Store]) -> None:
    backend, store = filled
    ran = await agent_tools("audit", "verify", "--store", store_url(backend, store))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("OK: 6 entries, head 6 ")


@pytest.mark.parametrize("how", sorted(EXPECTED))
async def test_tampering_is_found_at_the_first_touched_entry(
    filled: tuple[str, Store], how: str
) -> None:
    backend, store = filled
    await tamper(backend, store, how)

    ran = await agent_tools("audit", "verify", "--store", store_url(backend, store))
    assert ran.returncode == 1, ran.stderr
    assert ran.stdout.startswith(EXPECTED[how]), ran.stdout


async def test_verify_json_names_the_problem(filled: tuple[str, Store]) -> None:
    backend, store = filled
    await tamper(backend, store, "edit")
    ran = await agent_tools("audit", "verify", "--json", "--store", store_url(backend, store))
    body = json.loads(ran.stdout)
    assert ran.returncode == 1
    assert body["ok"] is False and body["count"] == 2
    assert body["problem"]["seq"] == 3 and body["problem"]["kind"] == "edited"
