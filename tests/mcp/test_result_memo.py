"""A view handed out again is serialised once; any other value gets its own result."""

from __future__ import annotations

from pydantic import BaseModel

from agent_tools.surfaces.mcp.result_memo import ResultMemo


class Value(BaseModel):
    n: int


def test_the_same_object_gets_the_result_built_for_it() -> None:
    memo = ResultMemo()
    value = Value(n=1)
    assert memo.success_result(value) is memo.success_result(value)


def test_an_equal_but_new_object_is_serialised_afresh() -> None:
    memo = ResultMemo()
    first = memo.success_result(Value(n=1))
    second = memo.success_result(Value(n=2))
    assert first.structured_content == {"n": 1}
    assert second.structured_content == {"n": 2}


def test_only_the_most_recent_values_are_kept() -> None:
    memo = ResultMemo(capacity=1)
    kept, dropped = Value(n=1), Value(n=2)
    dropped_result = memo.success_result(dropped)
    memo.success_result(kept)
    assert memo.success_result(dropped) is not dropped_result
