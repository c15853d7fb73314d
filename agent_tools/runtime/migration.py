"""Bring a run started under an older version of its type up to the registered version."""

from __future__ import annotations

from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import VersionMismatchError
from agent_tools.core.records import OperationRecord


def migrate(record: OperationRecord, definition: OperationType) -> OperationRecord:
    """The record with input and state migrated step by step to ``definition.version``.

    The runner's next checkpoint stores the migrated input, state and version.
    """
    if record.type_version == definition.version:
        return record
    if record.type_version > definition.version:
        raise VersionMismatchError(record.operation_id, record.type_version, definition.version)
    input_data, state = dict(record.input), record.state
    for version in range(record.type_version, definition.version):
        step = definition.migrations.get(version)
        if step is None:
            raise VersionMismatchError(record.operation_id, record.type_version, definition.version)
        input_data, state = step(input_data, state)
    migrated_input = definition.input_model.model_validate(input_data).model_dump(mode="json")
    return record.model_copy(
        update={"input": migrated_input, "state": state, "type_version": definition.version}
    )
