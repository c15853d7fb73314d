"""Running ``agent-tools audit`` in a subprocess, and the URL that reaches a test store."""

from __future__ import annotations

import asyncio
import os
import sys

from agent_tools.stores.base import Store
from tests.operators.conftest import REPO, Ran
from tests.services import POSTGRES_URL, REDIS_URL

WAIT_S = 60.0


async def agent_tools(*arguments: str, env: dict[str, str] | None = None) -> Ran:
    """``agent-tools ARGUMENTS`` in a fresh process; audit keys come only from ``env``."""
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AGENT_TOOLS_AUDIT_")
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "agent_tools.surfaces.cli",
        *arguments,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=REPO,
        env={**base, **(env or {})},
    )
    out, err = await asyncio.wait_for(process.communicate(), WAIT_S)
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())


def store_url(backend: str, store: Store) -> str:
    """The URL another process opens ``store`` with (its own schema or prefix included)."""
    if backend == "postgres":
        return f"{POSTGRES_URL}?schema={store.schema}"  # type: ignore[attr-defined]
    if backend == "redis":
        return f"{REDIS_URL}?prefix={store.prefix}"  # type: ignore[attr-defined]
    return store.url


async def run_client(*command: str) -> str:
    """A database's own command-line client (sqlite3, psql, redis-cli); its output."""
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), WAIT_S)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def raw_audit_rows(backend: str, store: Store) -> str:
    """Every stored audit row as the database's client prints it."""
    if backend == "sqlite":
        return await run_client("sqlite3", str(store.path), "SELECT * FROM audit_log")  # type: ignore[attr-defined]
    if backend == "postgres":
        schema = store.schema  # type: ignore[attr-defined]
        return await run_client("psql", POSTGRES_URL, "-c", f'SELECT * FROM "{schema}".audit_log')
    key = f"{store.prefix}:audit:log"  # type: ignore[attr-defined]
    return await run_client("redis-cli", "-u", REDIS_URL, "ZRANGE", key, "0", "-1")
