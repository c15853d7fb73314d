"""``agent-tools keys``: make encryption keys for payloads at rest."""

from __future__ import annotations

import argparse

HELP = "Make an encryption key for AGENT_TOOLS_ENCRYPTION_KEYS (AES-256-GCM at rest)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "generate",
        help="print a new key as id:base64key; append it (newest last) to the configured keys",
    )


def run(args: argparse.Namespace) -> int:
    from agent_tools.runtime.store_access import new_key_line

    print(new_key_line())
    return 0
