"""Retries, timeouts, version migrations."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from agent_tools import Engine, OperationRegistry, OperationStatus, OperationType
from agent_tools.core.errors import VersionMismatchError
from agent_tools.core.records import Checkpoint, Event, LeaseRequest
from tests.engine import ops
from tests.engine.conftest import engine_settings


async def test_a_transient_failure_is_retried_with_backoff(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "flaky", {"failures_before_success": 2}, budget_ms=3000
    )
    assert view.status is OperationStatus.COMPLETED
    assert [item.output["attempts"] for item in view.items] == [3, 3]  # type: ignore[index,call-overload]


async def test_a_chunk_failing_past_its_retries_fails_the_operation(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "flaky", {"failures_before_success": 5}, budget_ms=3000
    )
    assert view.status is OperationStatus.FAILED
    assert view.error is not None
    assert view.error.code == "operation_failed"
    assert "ConnectionError" in view.error.message
    assert "Failed" in view.next_step


async def test_a_chunk_over_its_timeout_is_retried_then_fails(engine: Engine) -> None:
    view = await engine.execute_incrementally(
        "hang", {"hang_s": 5}, chunk_timeout_ms=50, budget_ms=4000
    )
    assert view.status is OperationStatus.FAILED
    assert view.error is not None and view.error.code == "chunk_timeout"


def registry_of(*definitions: OperationType) -> OperationRegistry:
    registry = OperationRegistry()
    for definition in definitions:
        registry.register(definition)
    return registry


async def start_half_done_under_version_1(url: str) -> str:
    """A versioned run paused after its first chunk, committed under version 1."""
    async with Engine.from_url(
        url, registry=registry_of(ops.versioned_v1), settings=engine_settings()
    ) as old:
        view = await old.execute_incrementally("versioned", {"words": ["a", "b", "c"]}, budget_ms=0)
        await old.pause(view.operation_id)
        record = await old.store.get_operation(view.operation_id)
        assert record is not None and record.status is OperationStatus.PAUSED
        lease = await old.store.acquire_lease(
            LeaseRequest(operation_id=record.operation_id, holder="test", ttl_s=5), time.time()
        )
        assert lease is not None
        outcome = await old.store.commit_checkpoint(
            Checkpoint(
                operation_id=record.operation_id,
                lease_token=lease.token,
                expected_status=OperationStatus.PAUSED,
                status=OperationStatus.PAUSED,
                type_version=1,
                input=record.input,
                state=1,
                progress=record.progress.model_copy(update={"current_step": 1}),
                next_chunk_index=1,
                items=[{"v": 1, "word": "a"}],
                event=Event(kind="checkpoint", at=time.time()),
                release_lease=True,
            )
        )
        assert outcome == "committed"
        return record.operation_id


async def test_a_run_started_under_version_1_is_migrated_to_version_2(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    operation_id = await start_half_done_under_version_1(url)
    async with Engine.from_url(
        url, registry=registry_of(ops.versioned_v2), settings=engine_settings()
    ) as new:
        final = await new.resume(operation_id, budget_ms=2000)
        assert final.status is OperationStatus.COMPLETED
        assert [item.output for item in final.items] == [
            {"v": 1, "word": "a"},
            {"v": 2, "word": "B"},
            {"v": 2, "word": "C"},
        ]
        record = await new.store.get_operation(operation_id)
        assert record is not None and record.type_version == 2
        assert record.input["upper"] is True


async def test_a_version_with_no_migration_path_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    operation_id = await start_half_done_under_version_1(url)
    without_migration = dataclasses.replace(ops.versioned_v2, migrations={})
    async with Engine.from_url(
        url, registry=registry_of(without_migration), settings=engine_settings()
    ) as new:
        with pytest.raises(VersionMismatchError) as raised:
            await new.resume(operation_id)
        assert raised.value.code == "version_mismatch"
        record = await new.store.get_operation(operation_id)
        assert record is not None and record.type_version == 1
