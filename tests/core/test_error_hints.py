"""A fixed hint is declared once on its error class; a hint given when raising wins."""

from __future__ import annotations

from agent_tools.core.errors import (
    AgentToolsError,
    InvalidInputError,
    LeaseLostError,
    OperationFailedError,
)


def test_a_fixed_hint_is_the_class_attribute_and_reaches_the_wire() -> None:
    error = LeaseLostError("op-1")
    assert error.hint == LeaseLostError.hint
    assert error.as_dict() == {
        "code": "lease_lost",
        "message": "Operation 'op-1' is now run by another worker.",
        "hint": LeaseLostError.hint,
        "details": {"operation_id": "op-1"},
    }


def test_a_hint_given_when_raising_replaces_the_class_hint_for_that_error_only() -> None:
    specific = OperationFailedError("bad result", "Report it to the type's author.")
    assert specific.hint == "Report it to the type's author."
    assert OperationFailedError("crashed").hint == OperationFailedError.hint
    assert OperationFailedError.hint != specific.hint


def test_every_error_has_a_hint_even_the_base() -> None:
    assert AgentToolsError("boom").hint
    assert InvalidInputError("bad", "Pass a number.").hint == "Pass a number."
