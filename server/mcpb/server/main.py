"""The bundle's entry point: the ``agent-tools`` command, ``serve`` when given no arguments.

Claude Desktop runs it with ``uv run`` in the bundle's folder, so uv installs the pinned
``agent-tools-incremental`` from the bundle's pyproject.toml into an environment of its own.
"""

import sys

from agent_tools.surfaces.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["serve"]))
