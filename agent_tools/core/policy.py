"""What built-in operations may touch: file roots and the network."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExecutionPolicy:
    """Limits handed to every chunk through ``progress.policy``.

    ``roots`` are the folders file operations may read and write (none by
    default: file access must be granted). ``allow_private_network`` lets HTTP
    operations reach loopback, private and link-local addresses; ``allowed_networks``
    opens only the listed networks (CIDR, e.g. ``10.1.0.0/16``) of those.
    """

    roots: tuple[Path, ...] = ()
    allow_private_network: bool = False
    allowed_networks: tuple[str, ...] = ()
