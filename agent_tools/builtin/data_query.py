"""Row conditions and grouped aggregates for ``data_processing``, with JSON-only state."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, JsonValue

from agent_tools.core.errors import InvalidInputError

ConditionOperator = Literal["eq", "ne", "lt", "le", "gt", "ge", "contains", "regex", "in"]
AggregateFunction = Literal["count", "sum", "min", "max", "mean"]


class Condition(BaseModel):
    """``field op value``; CSV cells are compared as numbers when both sides are numeric."""

    model_config = ConfigDict(extra="forbid")

    field: str
    op: ConditionOperator
    value: JsonValue = None


class Aggregate(BaseModel):
    """``function(field)``; ``count`` needs no field. Non-numeric values are ignored."""

    model_config = ConfigDict(extra="forbid")

    function: AggregateFunction
    field: str | None = None

    @property
    def name(self) -> str:
        return f"{self.function}({self.field or '*'})"


def as_number(value: Any) -> float | None:
    """``value`` as a number, if it is one or is text that reads as one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _equal(left: Any, right: Any) -> bool:
    left_number, right_number = as_number(left), as_number(right)
    if left_number is not None and right_number is not None:
        return left_number == right_number
    if isinstance(left, str) and not isinstance(right, str) and right is not None:
        return left == json.dumps(right)
    return bool(left == right)


def _order(left: Any, right: Any) -> tuple[Any, Any] | None:
    left_number, right_number = as_number(left), as_number(right)
    if left_number is not None and right_number is not None:
        return left_number, right_number
    if isinstance(left, str) and isinstance(right, str):
        return left, right
    return None


def matches(row: dict[str, Any], condition: Condition) -> bool:
    """Whether ``row`` satisfies ``condition``; a missing field satisfies only ``ne``."""
    if condition.field not in row:
        return condition.op == "ne"
    value, wanted = row[condition.field], condition.value
    operator = condition.op
    if operator == "eq":
        return _equal(value, wanted)
    if operator == "ne":
        return not _equal(value, wanted)
    if operator == "in":
        return isinstance(wanted, list) and any(_equal(value, option) for option in wanted)
    if operator == "contains":
        return str(wanted) in (value if isinstance(value, str) else json.dumps(value))
    if operator == "regex":
        text = value if isinstance(value, str) else json.dumps(value)
        return re.search(str(wanted), text) is not None
    pair = _order(value, wanted)
    if pair is None:
        return False
    left, right = pair
    comparisons = {"lt": left < right, "le": left <= right, "gt": left > right, "ge": left >= right}
    return bool(comparisons[operator])


@dataclass
class Aggregator:
    """Running aggregates per group, kept in a JSON dict that goes into the operation state."""

    aggregates: list[Aggregate]
    group_by: list[str]
    groups: dict[str, Any]
    """``json.dumps([group values])`` -> ``{aggregate name: accumulator}``."""
    max_groups: int

    def add(self, row: dict[str, Any]) -> None:
        if not self.aggregates and not self.group_by:
            return
        key = json.dumps([row.get(name) for name in self.group_by])
        if key not in self.groups and len(self.groups) >= self.max_groups:
            raise InvalidInputError(
                f"Grouping by {self.group_by} gives more than {self.max_groups} groups.",
                "Group by fewer or coarser fields, or raise max_groups (the groups are "
                "kept in the operation's state and stored at every checkpoint).",
            )
        group = self.groups.setdefault(key, {})
        for aggregate in self.aggregates:
            name = aggregate.name
            if aggregate.function == "count":
                group[name] = group.get(name, 0) + 1
                continue
            number = as_number(row.get(aggregate.field or ""))
            if number is None:
                continue
            current = group.get(name)
            if aggregate.function == "sum":
                group[name] = (current or 0.0) + number
            elif aggregate.function == "min":
                group[name] = number if current is None else min(current, number)
            elif aggregate.function == "max":
                group[name] = number if current is None else max(current, number)
            else:
                total, count = current or (0.0, 0)
                group[name] = [total + number, count + 1]

    def summary(self) -> list[dict[str, Any]]:
        """One entry per group, in order of the group values: the group and its values."""
        entries = []
        for key in sorted(self.groups):
            values = {}
            for aggregate in self.aggregates:
                accumulated = self.groups[key].get(aggregate.name)
                if aggregate.function == "mean":
                    values[aggregate.name] = (
                        accumulated[0] / accumulated[1] if accumulated else None
                    )
                elif aggregate.function == "count":
                    values[aggregate.name] = accumulated or 0
                else:
                    values[aggregate.name] = accumulated
            entries.append(
                {"group": dict(zip(self.group_by, json.loads(key), strict=True)), "values": values}
            )
        return entries
