"""How the layers above runtime reach a store: by URL, through here, never a store module."""

from __future__ import annotations

from agent_tools.stores import open_store
from agent_tools.stores.base import Store
from agent_tools.stores.url_options import without_password

__all__ = ["Store", "open_store", "without_password"]
