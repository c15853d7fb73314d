"""Purge ended operations on request, and erase everything kept for one principal.

Both are admin actions (``agent-tools ops purge`` and ``ops erase``). An erasure
cancels the principal's live operations first, so the processes running them
stop, then deletes every operation of that principal (its input, state and
ledger, input rounds and answers, result items and events) and its tokens. One
entry in the store's audit log (and a line on the ``agent_tools.audit`` logger)
records who erased whom or purged what, with counts: no payload, no operation
ids. The audit entries of an erased principal stay: they hold no payload either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from agent_tools.core.audit import MAX_DETAIL_TEXT, DetailValue
from agent_tools.core.errors import AgentToolsError, InvalidInputError
from agent_tools.core.principals import Principal, authorize
from agent_tools.core.purging import PurgeFilter
from agent_tools.core.records import OperationQuery
from agent_tools.core.status import TERMINAL_STATUSES
from agent_tools.runtime.audit_trail import record_removal
from agent_tools.runtime.engine import Engine

AUDIT = logging.getLogger("agent_tools.audit")
PAGE = 200


@dataclass(frozen=True)
class Erasure:
    """What erasing one principal removed."""

    owner: str
    cancelled: int
    operations: int
    tokens: int


async def purge(engine: Engine, by: Principal, purge_filter: PurgeFilter) -> int:
    """Delete the ended operations ``purge_filter`` names; how many went."""
    authorize(by, "purge")
    await engine.start()
    purged = await engine.store.purge_ended(purge_filter)
    detail: dict[str, DetailValue] = {
        "operations": purged,
        "statuses": ",".join(sorted(status.value for status in purge_filter.statuses)),
    }
    if purge_filter.ended_before is not None:
        detail["ended_before"] = purge_filter.ended_before
    await record_removal(engine.store, by.name, "ops.purge", detail)
    AUDIT.warning(
        "purge by %s: %d ended operations (%s%s)",
        by.name,
        purged,
        ",".join(sorted(status.value for status in purge_filter.statuses)),
        "" if purge_filter.ended_before is None else f", ended before {purge_filter.ended_before}",
    )
    return purged


async def erase_principal(
    engine: Engine,
    by: Principal,
    owner: str,
    revoke_tokens: Callable[[str], int] | None = None,
) -> Erasure:
    """Cancel ``owner``'s live operations, then delete all of them and their tokens.

    ``revoke_tokens`` removes the principal's tokens where the server keeps them
    (the tokens file) and says how many; None when no tokens are kept.
    """
    authorize(by, "erase")
    if not owner or not owner.isprintable():
        raise InvalidInputError(
            f"{owner!r} is not a principal name.",
            "Give the name the principal's operations and tokens carry (see `tokens list`).",
            owner=owner,
        )
    await engine.start()
    cancelled = await _cancel_live(engine, owner)
    operations = await engine.store.erase_owner(owner)
    revoked = 0 if revoke_tokens is None else revoke_tokens(owner)
    await record_removal(
        engine.store,
        by.name,
        "ops.erase",
        {
            "owner": owner[:MAX_DETAIL_TEXT],
            "operations": operations,
            "cancelled": cancelled,
            "tokens": revoked,
        },
    )
    AUDIT.warning(
        "erase by %s (%s) of principal %s: %d operations (%d live ones cancelled first), %d tokens",
        by.name,
        by.role.value,
        owner,
        operations,
        cancelled,
        revoked,
    )
    return Erasure(owner=owner, cancelled=cancelled, operations=operations, tokens=revoked)


async def _cancel_live(engine: Engine, owner: str) -> int:
    """Cancel every live operation of ``owner`` so no process goes on writing it."""
    live: list[str] = []
    before: tuple[float, str] | None = None
    while True:
        page = await engine.store.list_operations(
            OperationQuery(owner=owner, limit=PAGE, before=before)
        )
        live.extend(
            record.operation_id for record in page.records if record.status not in TERMINAL_STATUSES
        )
        if not page.has_more or not page.records:
            break
        last = page.records[-1]
        before = (last.created_at, last.operation_id)
    cancelled = 0
    for operation_id in live:
        try:
            await engine.cancel(operation_id, reason="its owner is being erased")
            cancelled += 1
        except AgentToolsError:
            # It ended (or went) on its own meanwhile; the erase removes it all the same.
            continue
    return cancelled
