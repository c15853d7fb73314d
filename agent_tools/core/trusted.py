"""Pydantic models built from values that are already valid, at the cost of a dict.

A runner builds a progress record, an event and a checkpoint for every chunk, all
from parts that were validated on their way in. ``model_construct`` skips the
validation but still walks every field for defaults and aliases, which costs more
than the rest of the chunk's bookkeeping; :func:`trusted` does what it does for a
model given every field, and nothing else.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)

_set = object.__setattr__
_FIELD_NAMES: dict[type[BaseModel], frozenset[str]] = {}
"""Each model's field names, read once: ``model_fields`` is a costly property per call."""


def _field_names(model: type[BaseModel]) -> frozenset[str]:
    names = _FIELD_NAMES.get(model)
    if names is None:
        names = _FIELD_NAMES[model] = frozenset(model.model_fields)
    return names


def trusted(model: type[Model], **values: Any) -> Model:
    """``model`` holding ``values`` unchecked; every field must be given, nothing else."""
    assert values.keys() == _field_names(model), f"{model.__name__}: give every field"
    instance = model.__new__(model)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance
