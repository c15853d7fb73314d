"""``agent-tools keys rotate``: every value re-sealed under the newest key while work goes on.

Operations are written under key A; key B is added as the newest; a background
operation keeps running on the store (an engine in this process) while the
command runs in another process. Afterwards no stored value carries A's id, and
everything reads back with A removed from the key set.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest

from agent_tools import Engine, Settings
from agent_tools.stores import with_encryption
from agent_tools.stores.encryption import Keyring, new_key_line
from agent_tools.stores.key_rotation import rotate_keys, survey_keys
from agent_tools.stores.memory import MemoryStore
from tests.encryption.raw_stores import RawStore, raw_store
from tests.encryption.secret_ops import SECRET, fill, registry

BACKENDS = ["sqlite", "postgres", "redis"]
DEADLINE_S = 60.0
TOKEN = re.compile(rb"v1:([A-Za-z0-9]+):")


def _key_id(line: str) -> str:
    return line.split(":", maxsplit=1)[0]


def _tags(held: bytes) -> set[str]:
    """The key ids of every sealed value in raw store bytes."""
    return {match.decode() for match in TOKEN.findall(held)}


async def _keys_command(url: str, keys: str, *arguments: str) -> tuple[int, str, str]:
    """Run ``agent-tools keys ...`` in another process; its exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "agent_tools.surfaces.cli",
        "keys",
        *arguments,
        env=_command_env(url, keys),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), DEADLINE_S)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _command_env(url: str, keys: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_TOOLS_")}
    return {**environ, "AGENT_TOOLS_STORE": url, "AGENT_TOOLS_ENCRYPTION_KEYS": keys}


async def _read_back(opened: RawStore, keys: str, operation_ids: list[str]) -> None:
    """Every operation, its items and events read through the wrapper with ``keys`` only."""
    async with Engine(with_encryption(opened.store, keys), registry=registry) as engine:
        for operation_id in operation_ids:
            record = await engine.store.get_operation(operation_id)
            assert record is not None
            await engine.store.list_events(operation_id)
            await engine.get_results(operation_id)
        secretive = await engine.get_results(operation_ids[0])
        assert secretive.items[0].output == {"item": SECRET, "answer": SECRET}
        assert secretive.result == {"result": SECRET}
        ledger = await engine.store.get_operation(operation_ids[1])
        assert ledger is not None
        assert ledger.progress.steps_completed == [SECRET]
        assert ledger.progress.message == SECRET


async def _item_count(engine: Engine, operation_id: str) -> int:
    record = await engine.store.get_operation(operation_id)
    assert record is not None
    return record.item_count


async def _all_items(engine: Engine, operation_id: str) -> list[object]:
    """Every result item's output, page by page."""
    outputs: list[object] = []
    cursor = None
    while True:
        page = await engine.get_results(operation_id, cursor=cursor)
        outputs += [item.output for item in page.items]
        if not page.has_more:
            return outputs
        cursor = page.next_cursor


async def _wait_for(condition: object, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while not await condition():  # type: ignore[operator]
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


@pytest.fixture
def keys() -> tuple[str, str]:
    """Key A, which wrote the store, and key B, added as the newest."""
    return new_key_line(), new_key_line()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_rotating_beside_a_running_operation_leaves_nothing_under_the_old_key(
    backend: str, tmp_path: Path, keys: tuple[str, str]
) -> None:
    old, new = keys
    both = ",".join(keys)
    stop_file = tmp_path / "stop"
    async with raw_store(backend, tmp_path) as opened:
        # A short lease: the first server's run is taken over soon after it stops.
        first = Settings(lease_ttl_s=1.0)
        sealed = with_encryption(opened.store, old)
        async with Engine(sealed, registry=registry, settings=first) as engine:
            written = await fill(engine)
            running = await engine.execute_incrementally(
                "until_stopped", {"stop_file": str(stop_file)}, mode="background", budget_ms=0
            )

            async def has_items() -> bool:
                return (await engine.get_progress(running.operation_id)).progress.current_step > 0

            await _wait_for(has_items, "the first items under the old key")
        assert _tags(await opened.live()) == {_key_id(old)}
        # The server restarts with the new key as the newest and takes the operation over.
        async with Engine(with_encryption(opened.store, both), registry=registry) as engine:
            taken_over = (await engine.get_progress(running.operation_id)).progress.current_step

            async def moving() -> bool:
                view = await engine.get_progress(running.operation_id)
                return view.progress.current_step > taken_over

            await _wait_for(moving, "the new server to take the operation over")
            items_before = await _item_count(engine, running.operation_id)
            code, out, err = await _keys_command(opened.url, both, "rotate", "--batch", "2")
            assert code == 0, err
            items_after = await _item_count(engine, running.operation_id)
            assert items_after > items_before, "the operation ran during the rotation"
            stop_file.touch()
            done = await engine.get_progress(running.operation_id, wait_ms=0)
            while done.status.value not in ("completed", "failed"):
                done = await engine.get_progress(running.operation_id, wait_ms=1000)
            assert done.status.value == "completed"
            outputs = await _all_items(engine, running.operation_id)
        assert isinstance(done.result, dict) and isinstance(done.result["count"], int)
        assert outputs == [{"n": n, "secret": SECRET} for n in range(done.result["count"])]
        assert "total: rewritten " in out and "left 0" in out
        assert _tags(await opened.live()) == {_key_id(new)}
        await _read_back(opened, new, [*written, running.operation_id])
        code, again, err = await _keys_command(opened.url, new, "rotate")
        assert code == 0, err
        assert "total: rewritten 0," in again
        code, status, _ = await _keys_command(opened.url, new, "status")
        assert code == 0 and "older keys can be removed" in status


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_rotation_missing_the_old_key_fails_clearly_and_changes_nothing(
    backend: str, tmp_path: Path
) -> None:
    old, other, new = new_key_line(), new_key_line(), new_key_line()
    async with raw_store(backend, tmp_path) as opened:
        async with Engine(with_encryption(opened.store, old), registry=registry) as engine:
            written = await fill(engine)
        async with Engine(with_encryption(opened.store, f"{old},{other}"), registry=registry) as e:
            await e.execute_incrementally("agent_task", {"goal": "under the other key"})
        before = TOKEN.findall(await opened.live())
        code, out, err = await _keys_command(opened.url, f"{other},{new}", "rotate")
        assert code == 1
        assert "encryption_key_error" in err and f"needs key '{_key_id(old)}'" in err
        assert any(operation_id in err for operation_id in written)
        assert "total:" not in out
        assert sorted(TOKEN.findall(await opened.live())) == sorted(before)
        await _read_back(opened, f"{old},{other}", written)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_rotation_killed_midway_finishes_when_run_again(
    backend: str, tmp_path: Path, keys: tuple[str, str]
) -> None:
    old, new = keys
    both = ",".join(keys)
    async with raw_store(backend, tmp_path) as opened:
        async with Engine(with_encryption(opened.store, old), registry=registry) as engine:
            written = await fill(engine)
            for number in range(150):
                view = await engine.execute_incrementally("agent_task", {"goal": f"g{number}"})
                await engine.record_progress(
                    view.operation_id, completed_steps=["a", "b"], notes=SECRET
                )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "agent_tools.surfaces.cli",
            "keys",
            "rotate",
            "--batch",
            "1",
            env=_command_env(opened.url, both),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

        async def some_rewritten() -> bool:
            return _key_id(new) in _tags(await opened.live())

        try:
            await _wait_for(some_rewritten, "the first re-sealed value")
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        assert _tags(await opened.live()) == {_key_id(old), _key_id(new)}, "killed midway"
        code, _, err = await _keys_command(opened.url, both, "rotate")
        assert code == 0, err
        assert _tags(await opened.live()) == {_key_id(new)}
        await _read_back(opened, new, written)


async def test_the_report_counts_each_field_and_status_counts_per_key() -> None:
    old, new = new_key_line(), new_key_line()
    store = MemoryStore()
    async with Engine(with_encryption(store, old), registry=registry) as engine:
        await fill(engine)
        keyring = Keyring.parse(f"{old},{new}")
        surveyed = await survey_keys(store, keyring)
        rotated = await rotate_keys(store, keyring, batch=1)
        after = await survey_keys(store, keyring)
    assert surveyed.operations == rotated.operations == 2
    assert set(surveyed.by_key) == {_key_id(old)}
    assert surveyed.stale() == sum(rotated.rewritten.values()) > 0
    assert {"input", "state", "result", "item", "event", "message", "step"} <= set(
        rotated.rewritten
    )
    assert sum(rotated.current.values()) == 0
    assert set(after.by_key) == {_key_id(new)} and after.stale() == 0
    assert after.by_key[_key_id(new)] == surveyed.by_key[_key_id(old)]
