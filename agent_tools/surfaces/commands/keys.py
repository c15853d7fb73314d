"""``agent-tools keys``: make encryption keys, re-seal a store under the newest, count by key."""

from __future__ import annotations

import argparse

HELP = "Make encryption keys (AES-256-GCM at rest), rotate a store to the newest, count by key."


def _store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", help="the store URL (default: AGENT_TOOLS_STORE)")
    parser.add_argument(
        "--batch",
        type=int,
        default=200,
        help="operations, items or events read per round trip (default 200)",
    )


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
    rotate = actions.add_parser(
        "rotate",
        help="re-encrypt every value not under the newest key, while servers keep running",
    )
    _store_arguments(rotate)
    status = actions.add_parser(
        "status", help="count the stored values per key id, writing nothing"
    )
    _store_arguments(status)


def run(args: argparse.Namespace) -> int:
    if args.action == "generate" and args.audit:
        from agent_tools.runtime.audit_signing import new_key_pair

        private, public = new_key_pair()
        print(f"AGENT_TOOLS_AUDIT_SIGNING_KEY={private}")
        print(f"AGENT_TOOLS_AUDIT_PUBLIC_KEY={public}")
        return 0
    if args.action == "generate":
        from agent_tools.runtime.store_access import new_key_line

        print(new_key_line())
        return 0
    from agent_tools.surfaces.commands.keys_rotation import run_rotation

    return run_rotation(args)
