"""``agent-tools serve``: the MCP server, over stdio (the default) or streamable HTTP."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from agent_tools.settings import TRACE_MODES
from agent_tools.surfaces.commands import add_flag, add_store_and_ops, settings_from

SQLITE_PREFIX = "sqlite:///"
if TYPE_CHECKING:
    from agent_tools.core.errors import AgentToolsError

HELP = "Serve the agent-tools MCP tools over stdio (default) or streamable HTTP at /mcp."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Every option defaults to None so ``AGENT_TOOLS_*`` variables and settings defaults apply."""
    add_flag(parser, "--http", help_text="serve HTTP, not stdio")
    parser.add_argument("--host", help="HTTP bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="HTTP port (default 8000; 0 picks a free one)")
    add_store_and_ops(parser, store_help="store URL (default: a SQLite file in the data dir)")
    parser.add_argument("--budget-ms", type=int, help="default time budget per call (4000)")
    parser.add_argument("--max-budget-ms", type=int, help="largest budget a call may ask for")
    parser.add_argument(
        "--response-max-bytes", type=int, help="result bytes per response (default 32768)"
    )
    # Several folders after one --root too: a host that expands a list of folders into
    # separate arguments (an MCP bundle's user_config) can put them all after one flag.
    parser.add_argument(
        "--root",
        action="extend",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="folders file operations may touch (repeatable; several after one --root)",
    )
    add_flag(
        parser,
        "--allow-private-network",
        help_text="let HTTP operations reach loopback, private and link-local addresses",
    )
    parser.add_argument(
        "--allow-network",
        action="append",
        metavar="CIDR",
        help="one non-public network HTTP operations may reach, e.g. 10.1.0.0/16 (repeatable)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        dest="allowed_hosts",
        metavar="NAME",
        help="another Host name the HTTP server answers to (repeatable)",
    )
    parser.add_argument("--broker", help="broker URL of a worker fleet")
    add_flag(
        parser,
        "--no-auth",
        help_text="serve HTTP without authentication (refused unless --host is a loopback address)",
    )
    parser.add_argument("--tokens-file", type=Path, help="the static tokens' hashes")
    parser.add_argument("--resource-url", help="this server's public URL, the OAuth audience")
    parser.add_argument("--oauth-issuer", help="the authorization server whose JWTs are accepted")
    parser.add_argument("--oauth-jwks-url", help="the JWKS URL of that authorization server")
    add_flag(
        parser,
        "--metrics",
        help_text="count and time chunks, commits and slices; serve them at /metrics (HTTP)",
    )
    parser.add_argument(
        "--traces",
        choices=TRACE_MODES,
        help="OpenTelemetry spans: on (your tracer provider), console (stderr), otlp",
    )
    add_flag(
        parser,
        "--expose-operation-tools",
        help_text="make every operation type declared expose_as_tool an MCP tool (and a task)",
    )
    parser.add_argument(
        "--no-app",
        action="store_true",
        default=None,
        help="serve no MCP App (the live progress view) even to clients that render Apps",
    )


def run(args: argparse.Namespace) -> int:
    from agent_tools.surfaces.mcp.transports import serve_http, serve_stdio

    try:
        settings = settings_from(args)
        _announce_store(settings.store)
        if settings.http:
            asyncio.run(serve_http(settings, on_listening=_announce_url))
        else:
            asyncio.run(serve_stdio(settings))
    except KeyboardInterrupt:
        return 0
    except Exception as error:
        refusal = _agent_tools_error(error)
        if refusal is None:
            raise
        print(f"agent-tools: {refusal}", file=sys.stderr)
        return 2
    return 0


def _agent_tools_error(error: BaseException) -> AgentToolsError | None:
    """The startup error to report, also from inside the task group the stdio transport runs."""
    from agent_tools.core.errors import AgentToolsError

    if isinstance(error, AgentToolsError):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            found = _agent_tools_error(inner)
            if found is not None:
                return found
    return None


def _announce_store(store_url: str) -> None:
    """Say which store is used; make the folder of a SQLite file so first use just works."""
    if store_url.startswith(SQLITE_PREFIX):
        path = Path(store_url.removeprefix(SQLITE_PREFIX).split("?")[0]).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"agent-tools: store {path.resolve()}", file=sys.stderr, flush=True)
    else:
        parts = urlsplit(store_url)
        print(f"agent-tools: store {parts.scheme}://{parts.hostname or ''}", file=sys.stderr)


def _announce_url(url: str) -> None:
    print(f"agent-tools: serving MCP at {url}", file=sys.stderr, flush=True)
