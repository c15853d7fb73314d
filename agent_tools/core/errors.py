"""Errors an agent can act on: a stable code, a message and a hint."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

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


class OperationIdError(AgentToolsError):
    """An error about one operation whose message needs nothing but the operation's id.

    ``wording`` is the message, with ``{operation_id!r}`` where the id goes; the
    details carry the id.
    """

    wording: ClassVar[str]

    def __init__(self, operation_id: str) -> None:
        super().__init__(self.wording.format(operation_id=operation_id), operation_id=operation_id)


class OperationNotFoundError(OperationIdError):
    code = "operation_not_found"
    hint = "Check the operation_id, or call list_operations to see known operations."
    wording = "No operation with id {operation_id!r} exists."


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


class InvalidInputError(ExplainedError):
    code = "invalid_input"


class IllegalTransitionError(AgentToolsError):
    code = "illegal_transition"
    hint = (
        "Call get_progress to see its status; a completed, failed or cancelled "
        "operation cannot run again, start a new one with execute_incrementally."
    )

    def __init__(self, operation_id: str, current: str, target: str) -> None:
        super().__init__(
            f"Operation {operation_id!r} is {current}; it cannot become {target}.",
            operation_id=operation_id,
            status=current,
            requested=target,
        )


class OperationConflictError(AgentToolsError):
    code = "operation_conflict"
    hint = (
        "Reuse an operation_id only to continue the same work; omit operation_id "
        "(or choose a new one) to start another operation."
    )

    def __init__(self, operation_id: str, reason: str) -> None:
        super().__init__(
            f"Operation {operation_id!r} already exists with a different {reason}.",
            operation_id=operation_id,
        )


class VersionMismatchError(AgentToolsError):
    code = "version_mismatch"
    hint = (
        "Run it with a server that registers the original version, or cancel it "
        "and start a new operation."
    )

    def __init__(self, operation_id: str, stored: int, registered: int) -> None:
        super().__init__(
            f"Operation {operation_id!r} was started under version {stored} of its type; "
            f"version {registered} is registered and has no migration from {stored}.",
            operation_id=operation_id,
            stored_version=stored,
            registered_version=registered,
        )


class InvalidCursorError(AgentToolsError):
    code = "invalid_cursor"
    hint = (
        "Pass the next_cursor from a previous response, or omit cursor to read from the beginning."
    )

    def __init__(self, cursor: str) -> None:
        super().__init__(f"Cursor {cursor!r} is not one this server issued.", cursor=cursor)


class OperationFailedError(AgentToolsError):
    """A chunk kept failing after its retries; recorded as the operation's error."""

    code = "operation_failed"
    hint = (
        "Inspect the error, fix the input or environment, then start a "
        "new operation with execute_incrementally."
    )


class ChunkTimeoutError(AgentToolsError):
    code = "chunk_timeout"
    hint = "Use a smaller chunk_size or a larger chunk_timeout_ms."

    def __init__(self, chunk_index: int, timeout_ms: int) -> None:
        super().__init__(
            f"Chunk {chunk_index} did not finish within {timeout_ms} ms.",
            chunk_index=chunk_index,
            chunk_timeout_ms=timeout_ms,
        )


class OperationTimeoutError(AgentToolsError):
    """The whole operation ran longer than its ``timeout_ms`` of active time."""

    code = "timeout"
    hint = "Start it again with a larger timeout_ms, or smaller chunks so it stops in time."

    def __init__(self, timeout_ms: int, active_ms: int) -> None:
        super().__init__(
            f"The operation ran {active_ms} ms, over its timeout_ms of {timeout_ms} ms.",
            timeout_ms=timeout_ms,
            active_ms=active_ms,
        )


class AccessDeniedError(ExplainedError):
    code = "access_denied"


class LeaseLostError(OperationIdError):
    """This process no longer holds the operation; another holder took it over."""

    code = "lease_lost"
    hint = "Call get_progress; the other worker continues from the last checkpoint."
    wording = "Operation {operation_id!r} is now run by another worker."


class OperationBusyError(AgentToolsError):
    code = "operation_busy"
    hint = "Call get_progress with wait_ms to follow it, or resume again shortly."

    def __init__(self, operation_id: str, holder: str) -> None:
        super().__init__(
            f"Operation {operation_id!r} is being run by {holder}.", operation_id=operation_id
        )


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


class StoreError(ExplainedError):
    code = "store_error"


def validation_problems(error: ValidationError, whole: str = "(input)") -> list[str]:
    """Each problem of a pydantic validation error as ``field.path: message``."""
    return [
        f"{'.'.join(str(part) for part in detail['loc']) or whole}: {detail['msg']}"
        for detail in error.errors(include_url=False)
    ]
