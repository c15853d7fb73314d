#!/usr/bin/env sh
# Register agent-tools with Claude Code. Run one of these from your project folder.
# Install first: pip install agent-tools-incremental (the `agent-tools` command must be on PATH).

# stdio (recommended): Claude Code starts the server itself; file operations may touch this folder.
claude mcp add agent-tools --scope user --env AGENT_TOOLS_BUDGET_MS=4000 -- agent-tools serve --root "$PWD"

# streamable HTTP: start `agent-tools serve --http --port 8000` yourself first, then:
# claude mcp add --transport http agent-tools-http http://127.0.0.1:8000/mcp
