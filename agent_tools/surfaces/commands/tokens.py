"""``agent-tools tokens``: create, list and revoke the static bearer tokens of HTTP servers."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HELP = "Create, list or revoke bearer tokens for `serve --http` (only their hashes are kept)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tokens-file", type=Path, help="default: AGENT_TOOLS_TOKENS_FILE or the data dir"
    )
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="make a token and print it once")
    create.add_argument("--principal", required=True, help="who the token acts for")
    create.add_argument(
        "--role", required=True, choices=("reader", "operator", "admin"), help="what it may do"
    )
    create.add_argument(
        "--if-none",
        action="store_true",
        help="only when the file holds no token yet (a container's first start)",
    )
    actions.add_parser("list", help="the tokens that exist (ids, principals, roles)")
    revoke = actions.add_parser("revoke", help="remove a token; servers refuse it at once")
    revoke.add_argument("token_id", help="the id `tokens list` shows")


def run(args: argparse.Namespace) -> int:
    from agent_tools.core.errors import AgentToolsError
    from agent_tools.core.principals import Role
    from agent_tools.surfaces.auth.token_file import TokenFile
    from agent_tools.surfaces.commands import settings_from

    settings = settings_from(args)
    tokens = TokenFile(settings.tokens_file)
    try:
        if args.action == "create" and args.if_none and tokens.records():
            print(
                f"agent-tools: {tokens.path} already holds tokens; none created.", file=sys.stderr
            )
        elif args.action == "create":
            record, token = tokens.create(args.principal, Role(args.role))
            print(token)
            print(
                f"agent-tools: token {record.token_id} for {record.principal} ({record.role}) "
                f"saved as a hash in {tokens.path}; it is shown only this once.",
                file=sys.stderr,
            )
        elif args.action == "list":
            for record in tokens.records().values():
                created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created_unix))
                print(f"{record.token_id}\t{record.principal}\t{record.role}\t{created}")
        else:
            record = tokens.revoke(args.token_id)
            print(f"revoked {record.token_id} ({record.principal}, {record.role})")
    except AgentToolsError as error:
        print(f"agent-tools: {error}", file=sys.stderr)
        return 2
    return 0
