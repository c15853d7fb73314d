"""The agent-tools demo: a long operation runs in budgeted slices, is killed, and resumes.

Run it with ``./scripts/demo``. It needs nothing but this repository: the store
is an embedded SQLite file. Each "call" below is what an agent's tool call does:
run for at most ``budget_ms``, return progress, new items and an ETA.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agent_tools import (
    ChunkProgress,
    ChunkResult,
    Engine,
    OperationRegistry,
    OperationStatus,
    ProgressUpdate,
    Settings,
    operation,
)

OPERATION_ID = "demo-digest"
registry = OperationRegistry()


class DigestInput(BaseModel):
    blocks: int = Field(default=60, ge=1)
    records_per_block: int = Field(default=60_000, ge=1)


def block_digest(block: int, records: int) -> str:
    """Hash a block of synthetic records: the real work of one chunk."""
    digest = hashlib.sha256()
    for record in range(records):
        digest.update(f"{block}:{record}:{record * record % 9973}".encode())
        for _ in range(3):
            digest = hashlib.sha256(digest.digest())
    return digest.hexdigest()


def _plan(task: BaseModel) -> int:
    assert isinstance(task, DigestInput)
    return task.blocks


@operation(name="digest_blocks", input_model=DigestInput, plan=_plan, register=False)
def digest_blocks(
    task: DigestInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Digest one block per chunk and fold it into a running digest."""
    running = state or {"block": 0, "digest": ""}
    block = running["block"]
    digest = block_digest(block, task.records_per_block)
    folded = hashlib.sha256((running["digest"] + digest).encode()).hexdigest()
    done = block + 1 >= task.blocks
    return ChunkResult(
        output={"block": block, "digest": digest[:12]},
        next_state={"block": block + 1, "digest": folded},
        progress_update=ProgressUpdate(advance=1, label=f"block {block}"),
        completed=done,
        result={"blocks": block + 1, "digest": folded} if done else None,
    )


registry.register(digest_blocks)

SETTINGS = Settings(budget_ms=1000, inline_lease_grace_s=1.0)


def bar(percentage: float | None, width: int = 30) -> str:
    filled = int(width * (percentage or 0) / 100)
    return "█" * filled + "·" * (width - filled)


async def run_calls(db_path: str) -> None:
    """The child: make calls until done, printing what each call returned."""
    async with Engine.from_url(f"sqlite:///{db_path}", registry=registry, settings=SETTINGS) as e:
        started = await e.store.get_operation(OPERATION_ID) is not None

        async def live(step: float, total: float | None, message: str | None) -> None:
            percent = 100 * step / total if total else 0
            print(f"\r   {bar(percent)} {percent:5.1f}%", end="", flush=True)

        call, cursor, status = 0, None, None
        while status is not OperationStatus.COMPLETED:
            call += 1
            began = time.monotonic()
            if started:
                view = await e.resume(OPERATION_ID, cursor=cursor, on_progress=live)
            else:
                view = await e.execute_incrementally(
                    "digest_blocks", {}, operation_id=OPERATION_ID, on_progress=live
                )
                started = True
            took_ms = (time.monotonic() - began) * 1000
            cursor, status, progress = view.next_cursor, view.status, view.progress
            eta = "done" if progress.eta_seconds is None else f"{progress.eta_seconds:.1f}s"
            print(
                f"\r   call {call:2d} returned in {took_ms:4.0f} ms: {bar(progress.percentage)} "
                f"{progress.percentage or 0:5.1f}%  +{len(view.items):2d} items  ETA {eta:>5}  "
                f"[{status.value}]",
                flush=True,
            )


def run_child(db_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, __file__, "--child", str(db_path)])


async def kill_at(process: subprocess.Popen[bytes], db_path: Path, percent: float) -> None:
    """Watch the store from outside and kill -9 the child once it is ``percent`` done."""
    async with Engine.from_url(f"sqlite:///{db_path}", registry=registry, settings=SETTINGS) as e:
        while True:
            if await e.store.get_operation(OPERATION_ID) is not None:
                view = await e.get_progress(OPERATION_ID, wait_ms=1000)
                if (view.progress.percentage or 0) >= percent:
                    break
            else:
                await asyncio.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    print("\n\n💥 kill -9: the process dies in the middle of a chunk", flush=True)


async def final_result(db_path: Path) -> str:
    async with Engine.from_url(f"sqlite:///{db_path}", registry=registry, settings=SETTINGS) as e:
        view = await e.get_progress(OPERATION_ID)
        assert isinstance(view.result, dict)
        return str(view.result["digest"])


async def show_checkpoint(db_path: Path) -> int:
    async with Engine.from_url(f"sqlite:///{db_path}", registry=registry, settings=SETTINGS) as e:
        view = await e.get_progress(OPERATION_ID)
        print(
            f"   the store still holds the last checkpoint: {view.progress.current_step}/"
            f"{view.progress.total_steps} blocks, {view.items_total} result items, "
            f"status {view.status.value}"
        )
        return view.progress.current_step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(run_calls(args.child))
        return

    with tempfile.TemporaryDirectory(prefix="agent-tools-demo-") as folder:
        db_path = Path(folder) / "operations.db"
        print(f"agent-tools demo — store: sqlite:///{db_path}\n")
        print("1. An agent starts a long operation; every call returns within ~1 s budget:")
        asyncio.run(kill_at(run_child(db_path), db_path, percent=40.0))
        print("\n2. The process is gone. What survived?")
        checkpoint = asyncio.run(show_checkpoint(db_path))
        print("\n3. A new process (a new conversation) resumes from that checkpoint")
        print("   (its first call waits out the dead process's short lease, budget + 1 s):")
        resumed_at = time.monotonic()
        run_child(db_path).wait()
        digest = asyncio.run(final_result(db_path))
        took_s = time.monotonic() - resumed_at
        print(f"   finished {took_s:.1f} s after resuming at block {checkpoint}")
        print("\n4. Check against an uninterrupted computation:")
        expected = ""
        task = DigestInput()
        for block in range(task.blocks):
            block_hash = block_digest(block, task.records_per_block)
            expected = hashlib.sha256((expected + block_hash).encode()).hexdigest()
        verdict = "identical ✔" if digest == expected else "DIFFERENT ✘"
        print(f"   resumed result {digest[:16]}…  uninterrupted {expected[:16]}…  {verdict}")
        if digest != expected:
            sys.exit(1)


if __name__ == "__main__":
    main()
