"""Who owns an operation, and who may see it.

Every operation records the name of the principal that started it. An admin
sees every operation; anyone else sees only their own, and another principal's
operation looks exactly like one that does not exist (ids are no oracle).
"""

from __future__ import annotations

from agent_tools.core.errors import InvalidInputError, OperationIdError, OperationNotFoundError
from agent_tools.core.principals import Principal, Role


class OperationIdTakenError(OperationIdError):
    """A caller-chosen ``operation_id`` that another principal already uses."""

    code = "operation_conflict"
    hint = "Choose another operation_id, or omit it to get a new one."
    wording = "operation_id {operation_id!r} is already taken."


class HiddenOperationError(OperationNotFoundError):
    """Another principal's operation, refused exactly as an unknown id is.

    The caller sees ``operation_not_found`` and nothing more; the audit log (read
    by admins only) records that the operation exists and belongs to someone else.
    """


def may_see(principal: Principal, owner: str | None) -> bool:
    """Whether ``principal`` may read or steer an operation owned by ``owner``.

    Records without an owner (stored before owners existed) are for admins only.
    """
    return principal.has_role(Role.ADMIN) or (owner is not None and owner == principal.name)


def owner_for_new(principal: Principal, requested: str | None) -> str:
    """The owner a new operation records: the caller, or whom an admin names."""
    if requested is None or requested == principal.name:
        return principal.name
    if not principal.has_role(Role.ADMIN):
        raise InvalidInputError(
            f"{principal.name!r} may not start operations for {requested!r}.",
            "Omit owner: an operation belongs to whoever starts it.",
        )
    return requested


def owner_filter(principal: Principal, requested: str | None) -> str | None:
    """The owner a listing is narrowed to: one's own, or any (or the named one) for admins."""
    if principal.has_role(Role.ADMIN):
        return requested
    return principal.name
