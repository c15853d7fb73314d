"""How the layers above runtime reach a store: by URL, through here, never a store module."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from agent_tools.stores import open_store
from agent_tools.stores.base import Store
from agent_tools.stores.url_options import without_password

if TYPE_CHECKING:
    from agent_tools.stores.key_rotation import RotationReport

__all__ = [
    "RotationReport",
    "Store",
    "new_key_line",
    "open_store",
    "run_key_rotation",
    "without_password",
]


def new_key_line() -> str:
    """A new encryption key as a line for AGENT_TOOLS_ENCRYPTION_KEYS (loads cryptography)."""
    from agent_tools.stores.encryption import new_key_line as make_key_line

    return make_key_line()


async def run_key_rotation(
    url: str,
    keys: str,
    *,
    write: bool,
    batch: int,
    on_operation: Callable[[RotationReport], None] | None = None,
) -> RotationReport:
    """Open the store at ``url`` as it is on disk and rotate (or, without ``write``, survey)
    its sealed values with the keys ``keys`` (``id:base64key,...``, newest last)."""
    from agent_tools.stores.encryption import Keyring
    from agent_tools.stores.key_rotation import rotate_keys, survey_keys

    keyring = Keyring.parse(keys)
    store = open_store(url)
    await store.open()
    try:
        run = rotate_keys if write else survey_keys
        return await run(store, keyring, batch=batch, on_operation=on_operation)
    finally:
        await store.close()
