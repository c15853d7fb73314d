"""Plans: a store call as a generator of statements, run by each SQL store's own driver."""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

Returns = Literal["row", "rows", "nothing", "batch"]
Access = Literal["read", "write", "atomic"]
"""``read``: no transaction needed. ``write``: one statement. ``atomic``: several
statements that must commit together."""


@dataclass(frozen=True, slots=True)
class Query:
    """One statement and what the plan wants back from it.

    ``row``: the first row or None; ``rows``: all rows; ``nothing``: None;
    ``batch``: run once per tuple in ``parameters`` (an executemany), None.
    """

    sql: str
    parameters: Sequence[Any] = ()
    returns: Returns = "nothing"


@dataclass(frozen=True, slots=True)
class Notify:
    """Tell waiters on ``operation_id`` that it changed, once the transaction commits."""

    operation_id: str


Step = Query | Notify
Steps = Generator[Step, Any, T]


@dataclass(frozen=True, slots=True)
class Plan(Generic[T]):
    """The steps of one store call and how they must be run."""

    steps: Steps[T]
    access: Access


def plan(access: Access) -> Callable[[Callable[P, Steps[T]]], Callable[P, Plan[T]]]:
    """Make a generator function of steps into a function that returns its :class:`Plan`."""

    def decorate(function: Callable[P, Steps[T]]) -> Callable[P, Plan[T]]:
        @functools.wraps(function)
        def make(*args: P.args, **kwargs: P.kwargs) -> Plan[T]:
            return Plan(function(*args, **kwargs), access)

        return make

    return decorate
