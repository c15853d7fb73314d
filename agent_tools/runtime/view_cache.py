"""Item-less views kept while nothing they show can have changed: reads build each one once."""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

from agent_tools.core.records import OperationRecord
from agent_tools.core.views import OperationView

DEFAULT_CAPACITY = 256


class ViewKey(NamedTuple):
    """What an item-less view is a function of, besides the definition's fixed traits.

    The revision grows on every write a view shows (commit, status, input round);
    only lease writes leave it alone, and the lease shows only as ``held_elsewhere``.
    """

    revision: int
    type_version: int
    held_elsewhere: bool


class ViewCache:
    """The latest item-less view of the most recently read operations (least recent dropped).

    The views handed out are shared between callers: treat them as read-only.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._views: OrderedDict[str, tuple[ViewKey, OperationView]] = OrderedDict()

    @staticmethod
    def key(record: OperationRecord, held_elsewhere: bool) -> ViewKey:
        return ViewKey(record.revision, record.type_version, held_elsewhere)

    def get(self, operation_id: str, key: ViewKey) -> OperationView | None:
        """The cached view when it was built for ``key``, else None."""
        cached = self._views.get(operation_id)
        if cached is None or cached[0] != key:
            return None
        self._views.move_to_end(operation_id)
        return cached[1]

    def put(self, operation_id: str, key: ViewKey, view: OperationView) -> None:
        self._views[operation_id] = (key, view)
        self._views.move_to_end(operation_id)
        while len(self._views) > self._capacity:
            self._views.popitem(last=False)
