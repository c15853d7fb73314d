"""Which operation types are known, by name and version."""

from __future__ import annotations

import logging

from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import UnknownOperationTypeError, VersionMismatchError

logger = logging.getLogger(__name__)


class DuplicateOperationTypeError(ValueError):
    """Two different definitions claim the same name and version."""


class OperationRegistry:
    """Operation types by name, every registered version kept."""

    def __init__(self) -> None:
        self._types: dict[str, dict[int, OperationType]] = {}

    def register(self, definition: OperationType) -> OperationType:
        """Add a definition; re-registering the same function (a module reload) replaces it."""
        versions = self._types.setdefault(definition.name, {})
        existing = versions.get(definition.version)
        if existing is not None and not _same_origin(existing, definition):
            raise DuplicateOperationTypeError(
                f"operation type {definition.name!r} version {definition.version} "
                "is already registered by another definition"
            )
        versions[definition.version] = definition
        return definition

    def names(self) -> list[str]:
        return sorted(self._types)

    def latest(self, name: str) -> OperationType:
        """The newest version of ``name``; raises :class:`UnknownOperationTypeError`."""
        versions = self._types.get(name)
        if not versions:
            raise UnknownOperationTypeError(name, self.names())
        return versions[max(versions)]

    def all_latest(self) -> list[OperationType]:
        return [self.latest(name) for name in self.names()]

    def for_version(self, name: str, version: int, operation_id: str) -> OperationType:
        """The definition that can run a record made under ``version``.

        The exact version when registered; otherwise the latest one if it has a
        chain of migrations from ``version``; otherwise :class:`VersionMismatchError`.
        """
        latest = self.latest(name)
        versions = self._types[name]
        if version in versions:
            return versions[version]
        if version < latest.version and all(
            step in latest.migrations for step in range(version, latest.version)
        ):
            return latest
        raise VersionMismatchError(operation_id, version, latest.version)

    def merge(self, other: OperationRegistry) -> None:
        for versions in other._types.values():
            for definition in versions.values():
                self.register(definition)


def _same_origin(first: OperationType, second: OperationType) -> bool:
    first_function, second_function = first.chunk_function, second.chunk_function
    if first_function is None or second_function is None:
        return first_function is second_function and first.input_model.__name__ == (
            second.input_model.__name__
        )
    return (first_function.__module__, first_function.__qualname__) == (
        second_function.__module__,
        second_function.__qualname__,
    )


default_registry = OperationRegistry()
"""Where ``@operation`` registers unless told otherwise."""
