"""Models built unchecked from valid values behave like validated ones."""

from __future__ import annotations

import pytest

from agent_tools.core.records import Checkpoint, Event, ProgressRecord
from agent_tools.core.status import OperationStatus
from agent_tools.core.trusted import trusted

PROGRESS = {
    "current_step": 3,
    "total_steps": 10,
    "rate_per_second": 2.5,
    "eta_seconds": 2.8,
    "eta_low_seconds": 2.0,
    "eta_high_seconds": 4.0,
    "eta_basis": "current_run",
    "expected": None,
    "steps_completed": ["a", "b"],
    "message": "going",
    "active_seconds": 1.2,
    "chunk_size": None,
    "seconds_per_unit": None,
}


def test_a_trusted_model_equals_the_validated_one_and_serializes_the_same() -> None:
    built = trusted(ProgressRecord, **PROGRESS)
    validated = ProgressRecord.model_validate(PROGRESS)
    assert built == validated
    assert built.model_dump_json() == validated.model_dump_json()
    assert built.model_copy(update={"current_step": 4}).current_step == 4


def test_a_trusted_checkpoint_carries_its_nested_models() -> None:
    event = trusted(Event, kind="checkpoint", at=1.0, detail={"next_chunk": 2})
    values = {
        "operation_id": "op",
        "lease_token": 1,
        "expected_status": OperationStatus.RUNNING,
        "status": OperationStatus.RUNNING,
        "type_version": 1,
        "input": {"n": 1},
        "state": {"s": 1},
        "progress": trusted(ProgressRecord, **PROGRESS),
        "next_chunk_index": 2,
        "items": [{"n": 1}],
        "result": None,
        "error": None,
        "input_round": None,
        "event": event,
        "expires_at": None,
        "release_lease": False,
        "actor": "system",
    }
    assert trusted(Checkpoint, **values) == Checkpoint.model_validate(values)


def test_leaving_out_a_field_is_refused() -> None:
    with pytest.raises(AssertionError, match="give every field"):
        trusted(Event, kind="checkpoint", at=1.0)
