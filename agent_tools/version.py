"""The installed distribution's name and version, read from its metadata.

The version is written once, in ``pyproject.toml``; everything that shows it
(``agent_tools.__version__``, ``agent-tools --version``, the MCP server's
``serverInfo``) reads it from the installed metadata.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "agent-tools-incremental"
"""The name on the package registry; the import package is ``agent_tools``."""


def installed_version() -> str:
    """The installed distribution's version; ``0+unknown`` in a tree that was never installed."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        # A source tree on sys.path without `pip install`: there is no metadata to read.
        return "0+unknown"


__version__ = installed_version()
