"""One module per ``agent-tools`` subcommand."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent_tools.settings import Settings


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings for a command: defaults, ``AGENT_TOOLS_*``, then its options.

    Also sends log records to stderr: a command owns its process, unlike the library.
    """
    from agent_tools.settings import Settings

    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s"
    )
    return Settings.load({key: value for key, value in vars(args).items() if key != "run"})


def add_store_and_ops(parser: argparse.ArgumentParser, *, store_help: str) -> None:
    """``--store URL`` and the repeatable ``--ops``, as the server and the worker take them."""
    parser.add_argument("--store", help=store_help)
    parser.add_argument(
        "--ops",
        action="append",
        metavar="MODULE_OR_PATH",
        help="load @operation definitions from a module or .py file (repeatable)",
    )


def add_flag(parser: argparse.ArgumentParser, name: str, *, help_text: str) -> None:
    """An on/off option that stays None when absent, so its ``AGENT_TOOLS_*`` variable applies."""
    parser.add_argument(name, action="store_true", default=None, help=help_text)


def run_reporting_errors(main: Coroutine[Any, Any, int]) -> int:
    """Run a command's coroutine; an error an operator can act on prints its code and hint.

    Such an error exits 2, an interrupt 130.
    """
    from agent_tools.core.errors import AgentToolsError

    try:
        return asyncio.run(main)
    except AgentToolsError as error:
        print(f"agent-tools: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
