"""Who is calling, and what each role may do.

A principal is the identity a call acts for: the local user on stdio and in the
Python library, a token's or JWT's subject over HTTP. Roles are ordered; each
includes the ones below it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from agent_tools.core.errors import AgentToolsError


class Role(StrEnum):
    """What a principal may do, each role including the ones before it."""

    READER = "reader"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return ROLE_ORDER.index(self)


ROLE_ORDER = (Role.READER, Role.OPERATOR, Role.ADMIN)


@dataclass(frozen=True)
class Principal:
    """An authenticated identity and its role."""

    name: str
    role: Role

    def has_role(self, required: Role) -> bool:
        """Whether this principal's role is ``required`` or above it."""
        return self.role.rank >= required.rank


LOCAL_USER = Principal(name="local", role=Role.ADMIN)
"""Whoever runs the process: stdio clients, the Python library, the command line."""

ACTION_ROLES: dict[str, Role] = {
    "get_progress": Role.READER,
    "get_results": Role.READER,
    "get_latest_results": Role.READER,
    "list_operations": Role.READER,
    "describe_operation_types": Role.READER,
    "resources/list": Role.READER,
    "resources/read": Role.READER,
    "resources/subscribe": Role.READER,
    "resources/unsubscribe": Role.READER,
    "subscriptions/listen": Role.READER,
    "prompts/get": Role.READER,
    "completion/complete": Role.READER,
    "tasks/get": Role.READER,
    "tasks/result": Role.READER,
    "tasks/list": Role.READER,
    "execute_incrementally": Role.OPERATOR,
    "resume": Role.OPERATOR,
    "pause": Role.OPERATOR,
    "cancel": Role.OPERATOR,
    "provide_input": Role.OPERATOR,
    "record_progress": Role.OPERATOR,
    "tasks/cancel": Role.OPERATOR,
    "tasks/update": Role.OPERATOR,
    "purge": Role.ADMIN,
    "erase": Role.ADMIN,
    "tokens": Role.ADMIN,
}
"""The least role of each tool and method; anything unlisted (an operation type exposed
as a tool of its own, a tool added later) starts work, so it needs an operator."""

DEFAULT_ROLE = Role.OPERATOR


class RoleRequiredError(AgentToolsError):
    """The caller is authenticated but its role does not allow the action."""

    code = "role_required"

    def __init__(self, principal: Principal, action: str, required: Role) -> None:
        super().__init__(
            f"{action} needs the {required.value} role; {principal.name!r} is a "
            f"{principal.role.value}.",
            "Use only the tools your role allows (readers: get_progress, get_results, "
            "list_operations, describe_operation_types), or ask the server's admin for a "
            f"token with the {required.value} role.",
            action=action,
            required_role=required.value,
            role=principal.role.value,
        )


def required_role(action: str) -> Role:
    """The least role that may perform ``action`` (a tool name or an MCP method)."""
    return ACTION_ROLES.get(action, DEFAULT_ROLE)


def authorize(principal: Principal, action: str) -> None:
    """Raise ``RoleRequiredError`` unless ``principal`` may perform ``action``."""
    required = required_role(action)
    if not principal.has_role(required):
        raise RoleRequiredError(principal, action, required)


_acting: ContextVar[Principal | None] = ContextVar("agent_tools_principal", default=None)


def current_principal() -> Principal:
    """The principal the running call acts for: the local user when none was set."""
    return _acting.get() or LOCAL_USER


@contextlib.contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    """Run the enclosed calls for ``principal`` (surfaces set it around each request)."""
    token = _acting.set(principal)
    try:
        yield principal
    finally:
        _acting.reset(token)


def role_from_name(value: Any) -> Role:
    """The role called ``value``, or ValueError naming the valid ones."""
    try:
        return Role(value)
    except ValueError:
        names = ", ".join(role.value for role in ROLE_ORDER)
        raise ValueError(f"unknown role {value!r}; use one of: {names}") from None
