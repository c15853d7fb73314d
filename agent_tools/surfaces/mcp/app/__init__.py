"""The MCP App of agent-tools: an operation's live progress, rendered inside the chat."""

from agent_tools.surfaces.mcp.app.install import install_operation_app

__all__ = ["install_operation_app"]
