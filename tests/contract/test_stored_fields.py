"""One column encoding for every store: SQL rows and Redis hash text hold the same values."""

from __future__ import annotations

import pytest

from agent_tools.core.records import ErrorInfo
from agent_tools.core.status import OperationStatus
from agent_tools.stores.columns import INSERT_COLUMNS, RECORD_COLUMNS, to_record, to_row
from tests.contract.records import new_record

redis_store = pytest.importorskip("agent_tools.stores.redis")


def test_a_row_reads_back_as_the_record_it_was_made_from() -> None:
    record = new_record(
        status=OperationStatus.FAILED,
        error=ErrorInfo(code="timeout", message="m", hint="h"),
        lease_expires_at=1234.5678901234,
    )
    row = to_row(record)
    assert len(row) == len(INSERT_COLUMNS.split(", "))
    assert to_record(row[: len(RECORD_COLUMNS)]) == record


def test_redis_hash_text_is_the_row_as_text_and_reads_back_exactly() -> None:
    record = new_record(lease_holder=None, expires_at=1e9 + 0.123456789).model_copy(
        update={"owner": None}
    )
    fields = redis_store._fields(record)
    assert fields["owner"] == "" and fields["expires_at"] == repr(1e9 + 0.123456789)
    assert fields["mode"] == record.settings.mode
    assert redis_store._record(fields) == record


@pytest.mark.parametrize(("stored", "owner"), [("null", None), ('"alice"', "alice")])
def test_redis_records_of_release_0_1_0_keep_their_owner(stored: str, owner: str | None) -> None:
    fields = redis_store._fields(new_record())
    fields["owner"] = stored
    del fields["input_round"]
    loaded = redis_store._record(fields)
    assert loaded.owner == owner and loaded.input_round is None


def test_redis_records_stored_before_capped_logs_read_as_nothing_dropped() -> None:
    fields = redis_store._fields(new_record(item_count=7))
    del fields["dropped_items"]
    loaded = redis_store._record(fields)
    assert (loaded.item_count, loaded.dropped_items) == (7, 0)
