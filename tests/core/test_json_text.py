"""The encoders built once write exactly what ``json.dumps`` writes with the same options."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from agent_tools.core.json_text import compact, compact_unicode

VALUES: list[Any] = [
    None,
    0,
    10**30,
    1.5,
    -0.0,
    1e16,
    float("nan"),
    float("inf"),
    True,
    "plain",
    'quote " newline \n and ü, 漢, 🙂',
    [1, "a", None, {"k": [1.25, False]}],
    {"a": {"b": "ü"}, "n": 1, 2: 3},
    (1, 2),
    {},
    [],
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_compact_is_json_dumps_with_compact_separators(value: Any) -> None:
    assert compact(value) == json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_compact_unicode_is_json_dumps_keeping_non_ascii(value: Any) -> None:
    expected = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    assert compact_unicode(value) == expected


def test_compact_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        compact({"when": datetime.date(2026, 1, 2)})


def test_compact_unicode_writes_unknown_types_as_text() -> None:
    assert compact_unicode({"when": datetime.date(2026, 1, 2)}) == '{"when":"2026-01-02"}'
