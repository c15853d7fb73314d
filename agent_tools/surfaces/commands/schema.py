"""``agent-tools schema``: export or show the JSON Schemas of the tools."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "Export the tools' JSON Schemas to schemas/, or print one format."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write schemas/ (MCP, OpenAI, wire models)")
    export.add_argument("--out", type=Path, default=Path("schemas"), help="folder (schemas)")
    show = actions.add_parser("show", help="print the tool list in one format")
    show.add_argument("--format", choices=("mcp", "openai-chat", "openai-responses"), default="mcp")


def run(args: argparse.Namespace) -> int:
    from agent_tools.surfaces.schema_export import FORMATS, exported_files, render, write_files

    if args.action == "export":
        for path in write_files(args.out):
            print(path)
        return 0
    print(render(exported_files()[FORMATS[args.format]]), end="")
    return 0
