"""Whether PostgreSQL and Redis are reachable; CI turns their absence into a failure."""

from __future__ import annotations

import importlib
import os
import socket
from types import ModuleType

import pytest

REQUIRE_SERVICES = os.environ.get("AGENT_TOOLS_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get(
    "AGENT_TOOLS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("AGENT_TOOLS_TEST_REDIS", "redis://127.0.0.1:6379/0")


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip when ``name`` is down, or fail when AGENT_TOOLS_REQUIRE_SERVICES=1 (as in CI)."""
    if reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " and AGENT_TOOLS_REQUIRE_SERVICES=1")
    pytest.skip(message)


def require_module(name: str) -> ModuleType:
    """Import ``name``; skip when it is missing, or fail when AGENT_TOOLS_REQUIRE_SERVICES=1."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        if REQUIRE_SERVICES:
            pytest.fail(f"{name} is missing and AGENT_TOOLS_REQUIRE_SERVICES=1")
        pytest.skip(f"{name} is not written yet")
