"""A view handed out again is serialised once; any other value gets its own result."""

from __future__ import annotations

from pydantic import BaseModel

from agent_tools.core.records import ResultItem
from agent_tools.core.status import OperationStatus
from agent_tools.core.views import OperationView, ProgressView
from agent_tools.surfaces.mcp.result_memo import ResultMemo


def view(step: int, items: int = 0) -> OperationView:
    return OperationView(
        operation_id="op-1",
        operation_type="count",
        status=OperationStatus.RUNNING,
        mode="inline",
        progress=ProgressView(
            current_step=step,
            total_steps=10,
            percentage=step * 10.0,
            eta_seconds=None,
            rate_per_second=None,
        ),
        items=[ResultItem(seq=n, output=n) for n in range(1, items + 1)],
        items_total=items,
        next_cursor=None,
        has_more=False,
        next_step="Call resume.",
        created_at="2026-01-01T00:00:00.000+00:00",
        updated_at="2026-01-01T00:00:00.000+00:00",
    )


class Other(BaseModel):
    n: int


def test_the_same_view_gets_the_result_built_for_it() -> None:
    memo = ResultMemo()
    shared = view(3)
    assert memo.success_result(shared) is memo.success_result(shared)


def test_an_equal_but_new_view_is_serialised_afresh() -> None:
    memo = ResultMemo()
    first = memo.success_result(view(1))
    second = memo.success_result(view(2))
    assert first.structured_content is not None and second.structured_content is not None
    assert first.structured_content["progress"]["current_step"] == 1
    assert second.structured_content["progress"]["current_step"] == 2


def test_views_with_items_and_other_values_are_not_remembered() -> None:
    memo = ResultMemo()
    with_items, other = view(3, items=2), Other(n=1)
    assert memo.success_result(with_items) is not memo.success_result(with_items)
    assert memo.success_result(other) is not memo.success_result(other)


def test_only_the_most_recent_views_are_kept() -> None:
    memo = ResultMemo(capacity=1)
    kept, dropped = view(1), view(2)
    dropped_result = memo.success_result(dropped)
    memo.success_result(kept)
    assert memo.success_result(dropped) is not dropped_result
