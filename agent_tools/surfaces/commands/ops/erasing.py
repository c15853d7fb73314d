"""``ops purge`` and ``ops erase``: remove ended operations, or everything of one principal."""

from __future__ import annotations

import argparse
import time

from rich.console import Console

from agent_tools.core.principals import current_principal
from agent_tools.core.purging import purge_filter
from agent_tools.runtime import erasure
from agent_tools.runtime.engine import Engine


async def purge(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    """Delete the ended operations the options name; print how many went."""
    chosen = purge_filter(args.status, args.older_than, time.time())
    purged = await erasure.purge(engine, current_principal(), chosen)
    if args.json:
        console.print_json(data={"purged": purged})
    else:
        console.print(f"purged {purged} ended operation{'s' if purged != 1 else ''}")
    return 0


async def erase(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    """Erase ``--owner``: its operations in the store and its tokens in the tokens file."""
    from agent_tools.surfaces.auth.token_file import TokenFile

    tokens = TokenFile(engine.settings.tokens_file)

    def revoke(owner: str) -> int:
        return len(tokens.revoke_principal(owner)) if tokens.path.exists() else 0

    done = await erasure.erase_principal(engine, current_principal(), args.owner, revoke)
    if args.json:
        console.print_json(
            data={
                "owner": done.owner,
                "operations": done.operations,
                "cancelled": done.cancelled,
                "tokens": done.tokens,
            }
        )
    else:
        console.print(
            f"erased {done.owner}: {done.operations} operations ({done.cancelled} cancelled "
            f"first), {done.tokens} tokens",
            markup=False,
        )
    return 0
