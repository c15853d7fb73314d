"""Several processes appending to one shared store at once still leave one valid chain."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_tools.runtime import audit_log
from agent_tools.stores.base import Store
from tests.audit.cli import store_url
from tests.contract.backends import opened_store
from tests.operators.conftest import REPO

CHILD = """
import asyncio, sys
from agent_tools.stores import open_store
from tests.contract.audit_chains import access

async def main(url, base):
    store = open_store(url)
    await store.open()
    try:
        for number in range(int(base), int(base) + 20):
            await store.append_audit([access(number), access(number + 10_000)])
    finally:
        await store.close()

asyncio.run(main(*sys.argv[1:]))
"""
PROCESSES = 3


@pytest.fixture(params=("sqlite", "postgres", "redis"))
async def shared(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, Store]]:
    async with opened_store(str(request.param), tmp_path) as store:
        yield str(request.param), store


async def append_in_a_process(url: str, base: int) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, url, str(base), cwd=REPO, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()


async def test_processes_appending_at_once_keep_one_chain(shared: tuple[str, Store]) -> None:
    backend, store = shared
    url = store_url(backend, store)
    await asyncio.gather(*(append_in_a_process(url, 100 * index) for index in range(PROCESSES)))

    report = await audit_log.verify(store, None)
    assert report.ok, report.problem
    assert report.count == PROCESSES * 20 * 2 and report.head.seq == report.count
