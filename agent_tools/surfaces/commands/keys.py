"""``agent-tools keys``: make encryption keys for payloads at rest."""

from __future__ import annotations

import argparse

HELP = "Make an encryption key for AGENT_TOOLS_ENCRYPTION_KEYS (AES-256-GCM at rest)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    generate = actions.add_parser(
        "generate",
        help="print a new key as id:base64key; append it (newest last) to the configured keys",
    )
    generate.add_argument(
        "--audit",
        action="store_true",
        help="instead, print an Ed25519 pair that signs and checks audit purge checkpoints",
    )


def run(args: argparse.Namespace) -> int:
    if args.audit:
        from agent_tools.runtime.audit_signing import new_key_pair

        private, public = new_key_pair()
        print(f"AGENT_TOOLS_AUDIT_SIGNING_KEY={private}")
        print(f"AGENT_TOOLS_AUDIT_PUBLIC_KEY={public}")
        return 0
    from agent_tools.runtime.store_access import new_key_line

    print(new_key_line())
    return 0
