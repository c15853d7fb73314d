"""How the layers above runtime reach a store: by URL, through here, never a store module."""

from __future__ import annotations

from agent_tools.stores import open_store
from agent_tools.stores.base import Store
from agent_tools.stores.url_options import without_password

__all__ = ["Store", "new_key_line", "open_store", "without_password"]


def new_key_line() -> str:
    """A new encryption key as a line for AGENT_TOOLS_ENCRYPTION_KEYS (loads cryptography)."""
    from agent_tools.stores.encryption import new_key_line as make_key_line

    return make_key_line()
