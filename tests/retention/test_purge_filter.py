"""Which ended operations ``ops purge`` names: durations, statuses, and what is refused."""

from __future__ import annotations

import pytest

from agent_tools.core.errors import InvalidInputError
from agent_tools.core.purging import parse_duration, purge_filter
from agent_tools.core.status import TERMINAL_STATUSES, OperationStatus


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("15m", 900), ("1.5h", 5400), ("7d", 604800), ("2w", 1209600)],
)
def test_durations_in_every_unit(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "7", "d7", "-1d", "7 days", "1e3s"])
def test_a_bad_duration_is_refused_with_a_hint(text: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_duration(text)
    assert raised.value.code == "invalid_input"
    assert "30s, 15m" in raised.value.hint


def test_no_status_means_every_ended_one_and_older_than_sets_the_cutoff() -> None:
    chosen = purge_filter([], "1h", now=10_000.0)
    assert chosen.statuses == TERMINAL_STATUSES
    assert chosen.ended_before == 6400.0
    assert purge_filter(["failed"], None, now=1.0).statuses == {OperationStatus.FAILED}
    assert purge_filter([], None, now=1.0).ended_before is None


@pytest.mark.parametrize("status", ["running", "paused", "pending", "nonsense"])
def test_a_live_or_unknown_status_is_refused_saying_only_ended_ones_purge(status: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        purge_filter(["completed", status], None, now=1.0)
    assert "Only ended operations are purged" in raised.value.hint
    assert "cancelled, completed, failed" in raised.value.hint
