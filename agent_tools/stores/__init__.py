"""Stores: where operations hit a disk. ``open_store(url)`` picks one by URL scheme."""

from __future__ import annotations

from urllib.parse import urlsplit

from agent_tools.core.errors import InvalidInputError
from agent_tools.stores.base import Store

__all__ = ["Store", "open_store", "with_encryption"]


def open_store(url: str) -> Store:
    """Make (not yet open) the store for ``url``.

    ``memory://``, ``sqlite:///path/to/file.db`` (``?synchronous=FULL`` for
    power-loss safety), ``postgresql://user@host:port/db``, ``redis://host:port/n``.
    """
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        from agent_tools.stores.memory import MemoryStore

        return MemoryStore(url)
    if scheme == "sqlite":
        from agent_tools.stores.sqlite import SqliteStore

        return SqliteStore(url)
    if scheme in ("postgresql", "postgres"):
        from agent_tools.stores.postgres import PostgresStore

        return PostgresStore(url)
    if scheme in ("redis", "rediss"):
        from agent_tools.stores.redis import RedisStore

        return RedisStore(url)
    raise InvalidInputError(
        f"Unsupported store URL {url!r}.",
        "Use memory://, sqlite:///path/to/ops.db, postgresql://user@host:5432/db "
        "or redis://host:6379/0.",
    )


def with_encryption(store: Store, keys: str | None) -> Store:
    """``store``, encrypting payloads at rest with ``keys`` (``id:base64key,...``) when given."""
    if not keys:
        return store
    from agent_tools.stores.encrypted_store import EncryptedStore
    from agent_tools.stores.encryption import Keyring

    return EncryptedStore(store, Keyring.parse(keys))
