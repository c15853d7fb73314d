"""How an operation record maps onto stored fields: one table, used by every store that persists.

Each field of :class:`~agent_tools.core.records.OperationRecord` is a
:class:`Column` with a kind that says how its value is stored: JSON text for
free-form values, pydantic JSON for models, plain numbers and text otherwise,
``None`` where the record holds none. The SQL stores put these values in
columns as they are; the Redis store writes them into a hash as text
(:func:`as_text`) and reads them back (:func:`from_text`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from agent_tools.core.input_requests import InputRound
from agent_tools.core.json_text import compact
from agent_tools.core.records import ErrorInfo, OperationRecord, ProgressRecord, RunSettings
from agent_tools.core.status import OperationStatus

Kind = Literal["text", "int", "float", "json", "status", "model"]


def dump(value: Any) -> str:
    """JSON text for a column, compact so rows stay small."""
    return compact(value)


@dataclass(frozen=True)
class Column:
    """One stored field of a record and how its value is encoded."""

    name: str
    kind: Kind
    nullable: bool = False
    model: type[BaseModel] | None = None

    def encode(self, value: Any) -> Any:
        """The stored value of ``value`` (a field of the record)."""
        if value is None and self.nullable:
            return None
        if self.kind == "json":
            return dump(value)
        if self.kind == "model":
            return value.model_dump_json()
        if self.kind == "status":
            return value.value
        return value

    def decode(self, stored: Any) -> Any:
        """The record's field from its stored value."""
        if stored is None and self.nullable:
            return None
        if self.kind == "json":
            return json.loads(stored)
        if self.kind == "model":
            assert self.model is not None, f"column {self.name} names no model"
            return self.model.model_validate_json(stored)
        if self.kind == "status":
            return OperationStatus(stored)
        return stored


RECORD_COLUMNS = (
    Column("operation_id", "text"),
    Column("operation_type", "text"),
    Column("type_version", "int"),
    Column("owner", "text", nullable=True),
    Column("input", "json"),
    Column("settings", "model", model=RunSettings),
    Column("state", "json"),
    Column("status", "status"),
    Column("progress", "model", model=ProgressRecord),
    Column("next_chunk_index", "int"),
    Column("item_count", "int"),
    Column("result", "json"),
    Column("error", "model", nullable=True, model=ErrorInfo),
    Column("created_at", "float"),
    Column("updated_at", "float"),
    Column("lease_holder", "text", nullable=True),
    Column("lease_expires_at", "float", nullable=True),
    Column("lease_token", "int"),
    Column("priority", "int"),
    Column("expires_at", "float", nullable=True),
    Column("revision", "int"),
    Column("input_round", "model", nullable=True, model=InputRound),
    Column("dropped_items", "int"),
)
"""The record's fields in the order rows are read (:func:`to_record`)."""

MODE_COLUMN = Column("mode", "text")
"""Stored beside the record (it is in ``settings`` too) so stores can index by it."""

BY_NAME = {column.name: column for column in (*RECORD_COLUMNS, MODE_COLUMN)}

COLUMNS = ", ".join(column.name for column in RECORD_COLUMNS)
"""The columns a record is read from, in the order of :func:`to_record`."""

INSERT_COLUMNS = f"{COLUMNS}, {MODE_COLUMN.name}"
"""The columns :func:`to_row` fills: the record's columns and the mode it is indexed by."""


def encode(name: str, value: Any) -> Any:
    """The stored value of field ``name`` (of a record or a checkpoint) holding ``value``."""
    return BY_NAME[name].encode(value)


def to_record(row: Sequence[Any]) -> OperationRecord:
    """The record held in a row selected as ``COLUMNS``."""
    return OperationRecord(
        **{
            column.name: column.decode(value)
            for column, value in zip(RECORD_COLUMNS, row, strict=True)
        }
    )


def to_row(record: OperationRecord) -> tuple[Any, ...]:
    """The values of ``INSERT_COLUMNS`` for a new record."""
    values = (column.encode(getattr(record, column.name)) for column in RECORD_COLUMNS)
    return (*values, record.settings.mode)


def as_text(name: str, stored: Any) -> str:
    """A stored value as the text a key-value store holds ('' for none, floats exactly)."""
    if stored is None:
        return ""
    if BY_NAME[name].kind == "float":
        return repr(float(stored))
    return str(stored)


def from_text(name: str, text: str) -> Any:
    """The stored value that :func:`as_text` turned into ``text``."""
    column = BY_NAME[name]
    if text == "" and column.nullable:
        return None
    if column.kind == "int":
        return int(text)
    if column.kind == "float":
        return float(text)
    return text
