"""Questions an operation puts to its caller, and the answers it gets back.

A chunk asks by returning ``ChunkResult(ask={"confirm": InputRequest(...)})``.
The operation then rests, durably, until every question is answered with
``provide_input`` (or the MCP tasks extension's ``tasks/update``); the next chunk
reads the answers from ``progress.input_responses``, by the names it asked with.

Outside the operation a question is known by its key, ``name@chunk_index``, which
is never reused within an operation (the tasks extension requires that).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
EMPTY_FORM: dict[str, JsonValue] = {"type": "object", "properties": {}}


class InputRequest(BaseModel):
    """One question: a message, and the JSON Schema of the answer's ``content``.

    Keep the schema a flat object of string, number, integer and boolean fields
    (with ``enum`` where there are choices): that is what MCP clients can show
    as a form.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    message: str = Field(min_length=1, description="The question, in plain words.")
    requested_schema: dict[str, JsonValue] = Field(
        default_factory=lambda: dict(EMPTY_FORM),
        description="JSON Schema of the answer's content: an object of primitive fields.",
    )

    @field_validator("requested_schema")
    @classmethod
    def _is_an_object_schema(cls, schema: dict[str, JsonValue]) -> dict[str, JsonValue]:
        if schema.get("type") != "object":
            raise ValueError('requested_schema must be an object schema ({"type": "object", ...})')
        # jsonschema takes ~0.4 s to import; only operations that ask questions pay for it.
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            message = f"requested_schema is not a valid JSON Schema: {error.message}"
            raise ValueError(message) from error
        return schema


class InputResponse(BaseModel):
    """One answer, shaped like an MCP elicitation result: accepted with content, or not."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["accept", "decline", "cancel"] = Field(
        default="accept",
        description="accept (content holds the answer), decline or cancel (no answer given).",
    )
    content: dict[str, JsonValue] | None = Field(
        default=None, description="The answer, matching the question's requested_schema."
    )

    @property
    def accepted(self) -> bool:
        return self.action == "accept"


class InputRound(BaseModel):
    """The questions one chunk asked and the answers received so far, kept in the record."""

    model_config = ConfigDict(frozen=True)

    chunk_index: int = Field(description="The chunk that asked; part of every key.")
    requests: dict[str, InputRequest]
    responses: dict[str, InputResponse] = Field(default_factory=dict)

    @classmethod
    def asked(cls, chunk_index: int, requests: dict[str, InputRequest]) -> InputRound:
        return cls(chunk_index=chunk_index, requests=requests)

    def key(self, name: str) -> str:
        """The key a question is known by outside the operation."""
        return f"{name}@{self.chunk_index}"

    def name_of(self, key: str) -> str | None:
        """The name behind ``key``, when it is one of this round's questions."""
        name, separator, index = key.rpartition("@")
        if separator and index == str(self.chunk_index) and name in self.requests:
            return name
        return None

    @property
    def outstanding(self) -> dict[str, InputRequest]:
        """Unanswered questions by key."""
        return {
            self.key(name): request
            for name, request in self.requests.items()
            if name not in self.responses
        }

    @property
    def complete(self) -> bool:
        return all(name in self.responses for name in self.requests)

    def answered(self, responses: dict[str, InputResponse]) -> InputRound:
        """This round with more answers, by name (answers already given stay as they were)."""
        merged = {**responses, **self.responses}
        return self.model_copy(update={"responses": merged})


def check_name(name: str) -> str:
    """A question's name, checked: letters, digits, ``_``, ``.`` or ``-``."""
    if not NAME_PATTERN.match(name):
        raise ValueError(f"question name {name!r} must be 1-64 letters, digits, '_', '.' or '-'")
    return name


def answer_problems(request: InputRequest, response: InputResponse) -> list[str]:
    """Why an accepted answer does not match its question's schema (empty when it does)."""
    if not response.accepted:
        return []
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(request.requested_schema)
    content: Any = response.content or {}
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(content)'}: {error.message}"
        for error in validator.iter_errors(content)
    ]
