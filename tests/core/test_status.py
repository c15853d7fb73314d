"""The status machine."""

from __future__ import annotations

import pytest

from agent_tools.core.errors import IllegalTransitionError
from agent_tools.core.status import OperationStatus, can_transition, check_transition

S = OperationStatus


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.PENDING, S.RUNNING),
        (S.RUNNING, S.PAUSED),
        (S.PAUSED, S.RUNNING),
        (S.RUNNING, S.COMPLETED),
        (S.RUNNING, S.FAILED),
        (S.PAUSED, S.CANCELLED),
        (S.PENDING, S.CANCELLED),
    ],
)
def test_the_life_of_an_operation_moves_along_these_transitions(
    current: OperationStatus, target: OperationStatus
) -> None:
    assert can_transition(current, target)


@pytest.mark.parametrize("terminal", [S.COMPLETED, S.FAILED, S.CANCELLED])
def test_nothing_leaves_a_terminal_status(terminal: OperationStatus) -> None:
    assert terminal.is_terminal
    for target in OperationStatus:
        assert not can_transition(terminal, target)


def test_an_illegal_transition_is_an_error_with_a_code_and_hint() -> None:
    with pytest.raises(IllegalTransitionError) as raised:
        check_transition("op-1", S.COMPLETED, S.RUNNING)
    assert raised.value.code == "illegal_transition"
    assert "completed" in raised.value.message
    assert raised.value.hint
