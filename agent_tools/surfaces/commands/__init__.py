"""One module per ``agent-tools`` subcommand."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

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
