"""The SDK's own ``MCPServer`` with one empty tool: the baseline our server is measured against.

    python benchmarks/sdk_server.py stdio
    python benchmarks/sdk_server.py http PORT

Nothing of agent-tools is imported, so its start-up is the floor any server built on
the SDK pays, and its ``empty`` tool is the cheapest call the SDK can answer.
"""

from __future__ import annotations

import sys

from mcp.server.mcpserver import MCPServer

server = MCPServer("sdk-baseline")


@server.tool()
def empty() -> dict[str, bool]:
    """Does nothing: the baseline for a tool call."""
    return {"ok": True}


def main() -> None:
    if sys.argv[1] == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))


if __name__ == "__main__":
    main()
