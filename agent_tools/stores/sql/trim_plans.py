"""Trimming a capped result log, as a plan for both SQL stores."""

from __future__ import annotations

from agent_tools.core.result_caps import ItemTrim
from agent_tools.stores.columns import dump
from agent_tools.stores.sql.plan import Notify, Query, Steps, plan


@plan("atomic")
def trim_items(trim: ItemTrim) -> Steps[bool]:
    """Move ``dropped_items`` on if nobody did meanwhile, then delete (and fold) the items."""
    if trim.drop_through <= trim.expected_dropped:
        return False
    moved = yield Query(
        "UPDATE operations SET dropped_items = $3, revision = revision + 1 "
        "WHERE operation_id = $1 AND dropped_items = $2 AND item_count >= $3 "
        "RETURNING operation_id",
        (trim.operation_id, trim.expected_dropped, trim.drop_through),
        "row",
    )
    if moved is None:
        return False
    yield Query(
        "DELETE FROM items WHERE operation_id = $1 AND seq <= $2",
        (trim.operation_id, trim.drop_through),
    )
    if trim.summary is not None:
        yield Query(
            "INSERT INTO items (operation_id, seq, output) VALUES ($1, $2, $3)",
            (trim.operation_id, trim.drop_through, dump(trim.summary)),
        )
    yield Notify(trim.operation_id)
    return True
