"""``agent-tools``: the command line. Each subcommand lives in its own module.

A subcommand module exposes ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; heavy imports belong inside ``run`` so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from agent_tools.version import DISTRIBUTION, __version__

SUBCOMMANDS: dict[str, str] = {
    "serve": "agent_tools.surfaces.commands.serve",
    "worker": "agent_tools.surfaces.commands.worker",
    "schema": "agent_tools.surfaces.commands.schema",
    "ops": "agent_tools.surfaces.commands.ops",
    "tokens": "agent_tools.surfaces.commands.tokens",
    "keys": "agent_tools.surfaces.commands.keys",
    "audit": "agent_tools.surfaces.commands.audit",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agent-tools",
        description="Run long operations for LLM agents in budgeted, checkpointed slices.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__} ({DISTRIBUTION})"
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, module_name in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        subparser = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(subparser)
        subparser.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``agent-tools`` console script."""
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
