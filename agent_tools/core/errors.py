"""Errors an agent can act on: a stable code, a message and a hint."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, ClassVar, dataclass_transform

from pydantic import ValidationError


class AgentToolsError(Exception):
    """Base of every error agent-tools reports to a caller.

    ``code`` is stable across releases; ``hint`` tells an agent what to do next.
    """

    code: ClassVar[str] = "internal_error"
    hint: str = "Retry the call; if it keeps failing, report it with the server log."
    """What to do next; a class whose advice never varies sets it here, once."""

    def __init__(self, message: str, hint: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        """The wire form: ``{"code", "message", "hint"}`` plus any details."""
        body: dict[str, Any] = {"code": self.code, "message": self.message, "hint": self.hint}
        if self.details:
            body["details"] = self.details
        return body

    def __str__(self) -> str:
        return f"[{self.code}] {self.message} Hint: {self.hint}"


class ExplainedError(AgentToolsError):
    """An error whose raiser words the hint too: no one piece of advice fits every case."""

    def __init__(self, message: str, hint: str, **details: Any) -> None:
        super().__init__(message, hint, **details)


class InvalidInputError(ExplainedError):
    code = "invalid_input"


class AccessDeniedError(ExplainedError):
    code = "access_denied"


class StoreError(ExplainedError):
    code = "store_error"


class UnknownNameError(AgentToolsError):
    """A name none of the known ones matches; the hint lists those.

    The details carry the name under ``kind``, spaces as underscores (``operation_type``).
    """

    kind: ClassVar[str]
    """What the name is of, as the message says it: ``"tool"``."""
    advice: ClassVar[str] = ""
    """Said after the known names."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        listing = ", ".join(sorted(known)) or "(none registered)"
        super().__init__(
            f"No {self.kind} named {name!r}.",
            f"Use one of: {listing}.{self.advice}",
            **{self.kind.replace(" ", "_"): name},
        )


class UnknownOperationTypeError(UnknownNameError):
    code = "unknown_operation_type"
    kind = "operation type"
    advice = " Call describe_operation_types for their inputs."


_MESSAGE_ONLY = "message_only"


def message_only() -> Any:
    """A field of a :class:`DetailedError` that its message names and its details leave out."""
    return dataclasses.field(metadata={_MESSAGE_ONLY: True})


@dataclass_transform(eq_default=False, field_specifiers=(message_only,))
@dataclasses.dataclass(eq=False)
class DetailedError(AgentToolsError):
    """An error declared by its fields: they are its details, in the order callers pass them.

    A subclass assigns ``code``, ``hint`` and ``wording`` (unannotated, so they stay
    class attributes) and annotates its fields; its message is ``wording`` filled in
    from the fields, :func:`message_only` ones included. Every subclass is made a
    dataclass, compared by identity as exceptions are.
    """

    wording: ClassVar[str] = ""
    """The message, with ``{field}`` where a field goes (``{operation_id!r}``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(eq=False)(cls)

    def __post_init__(self) -> None:
        fields = dataclasses.fields(self)
        values = {field.name: getattr(self, field.name) for field in fields}
        details = {
            field.name: values[field.name]
            for field in fields
            if not field.metadata.get(_MESSAGE_ONLY)
        }
        super().__init__(self.wording.format(**values), **details)


class OperationIdError(DetailedError):
    """An error about one operation whose message needs nothing but the operation's id."""

    operation_id: str


class OperationNotFoundError(OperationIdError):
    code = "operation_not_found"
    hint = "Check the operation_id, or call list_operations to see known operations."
    wording = "No operation with id {operation_id!r} exists."


class LeaseLostError(OperationIdError):
    """This process no longer holds the operation; another holder took it over."""

    code = "lease_lost"
    hint = "Call get_progress; the other worker continues from the last checkpoint."
    wording = "Operation {operation_id!r} is now run by another worker."


class IllegalTransitionError(DetailedError):
    code = "illegal_transition"
    hint = (
        "Call get_progress to see its status; a completed, failed or cancelled "
        "operation cannot run again, start a new one with execute_incrementally."
    )
    wording = "Operation {operation_id!r} is {status}; it cannot become {requested}."

    operation_id: str
    status: str
    requested: str


class OperationConflictError(DetailedError):
    code = "operation_conflict"
    hint = (
        "Reuse an operation_id only to continue the same work; omit operation_id "
        "(or choose a new one) to start another operation."
    )
    wording = "Operation {operation_id!r} already exists with a different {reason}."

    operation_id: str
    reason: str = message_only()


class VersionMismatchError(DetailedError):
    code = "version_mismatch"
    hint = (
        "Run it with a server that registers the original version, or cancel it "
        "and start a new operation."
    )
    wording = (
        "Operation {operation_id!r} was started under version {stored_version} of its type; "
        "version {registered_version} is registered and has no migration from {stored_version}."
    )

    operation_id: str
    stored_version: int
    registered_version: int


class InvalidCursorError(DetailedError):
    code = "invalid_cursor"
    hint = (
        "Pass the next_cursor from a previous response, or omit cursor to read from the beginning."
    )
    wording = "Cursor {cursor!r} is not one this server issued."

    cursor: str


class OperationFailedError(AgentToolsError):
    """A chunk kept failing after its retries; recorded as the operation's error."""

    code = "operation_failed"
    hint = (
        "Inspect the error, fix the input or environment, then start a "
        "new operation with execute_incrementally."
    )


class ChunkTimeoutError(DetailedError):
    code = "chunk_timeout"
    hint = "Use a smaller chunk_size or a larger chunk_timeout_ms."
    wording = "Chunk {chunk_index} did not finish within {chunk_timeout_ms} ms."

    chunk_index: int
    chunk_timeout_ms: int


class OperationTimeoutError(DetailedError):
    """The whole operation ran longer than its ``timeout_ms`` of active time."""

    code = "timeout"
    hint = "Start it again with a larger timeout_ms, or smaller chunks so it stops in time."
    wording = "The operation ran {active_ms} ms, over its timeout_ms of {timeout_ms} ms."

    timeout_ms: int
    active_ms: int


class OperationBusyError(DetailedError):
    code = "operation_busy"
    hint = "Call get_progress with wait_ms to follow it, or resume again shortly."
    wording = "Operation {operation_id!r} is being run by {holder}."

    operation_id: str
    holder: str = message_only()


class InputNotRequestedError(AgentToolsError):
    """Answers for questions the operation is not waiting on."""

    code = "input_not_requested"

    def __init__(self, operation_id: str, keys: list[str], outstanding: list[str]) -> None:
        hint = (
            f"Answer the questions it waits on, by key: {', '.join(outstanding)} "
            "(their messages and schemas are in input_requests)."
            if outstanding
            else "It waits on no question now: call get_progress to see where it stands, "
            "or resume to continue it."
        )
        super().__init__(
            f"Operation {operation_id!r} is not waiting for an answer to "
            f"{', '.join(keys) or '(no keys given)'}.",
            hint,
            operation_id=operation_id,
            outstanding=outstanding,
        )


def validation_problems(error: ValidationError, whole: str = "(input)") -> list[str]:
    """Each problem of a pydantic validation error as ``field.path: message``."""
    return [
        f"{'.'.join(str(part) for part in detail['loc']) or whole}: {detail['msg']}"
        for detail in error.errors(include_url=False)
    ]
