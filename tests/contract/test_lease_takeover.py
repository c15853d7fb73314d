"""The store contract: naming a dead holder changes nothing when the lease is free or one's own.

The takeover itself is in ``test_dead_holder_takeover.py``.
"""

from __future__ import annotations

import time

from agent_tools.core.records import LeaseRequest
from agent_tools.core.status import OperationStatus
from agent_tools.stores.base import Store
from tests.contract.records import new_record


async def test_a_free_or_own_lease_is_still_taken_when_a_dead_holder_is_named(
    store: Store,
) -> None:
    record, _ = await store.create_operation(new_record(status=OperationStatus.RUNNING))
    request = LeaseRequest(
        operation_id=record.operation_id, holder="worker-a:2", ttl_s=30, dead_holder="worker-a:1"
    )
    first = await store.acquire_lease(request, time.time())
    again = await store.acquire_lease(request, time.time())
    assert first is not None and again is not None
    assert again.token == first.token + 1
