#!/usr/bin/env sh
# Register agent-tools with Claude Code. Run one of these from your project folder.
# The first needs only uv (https://docs.astral.sh/uv/): uvx fetches agent-tools-incremental from
# the package registry and runs it in an environment of its own.

# stdio (recommended): Claude Code starts the server itself; file operations may touch this folder.
claude mcp add agent-tools --scope user --env AGENT_TOOLS_BUDGET_MS=4000 -- uvx --from agent-tools-incremental agent-tools serve --root "$PWD"

# The same with the installed command (after `pipx install agent-tools-incremental` or
# `pip install agent-tools-incremental`; `agent-tools` must be on PATH):
# claude mcp add agent-tools --scope user --env AGENT_TOOLS_BUDGET_MS=4000 -- agent-tools serve --root "$PWD"

# streamable HTTP: start `agent-tools serve --http --port 8000 --no-auth` yourself first, then:
# claude mcp add --transport http agent-tools-http http://127.0.0.1:8000/mcp
