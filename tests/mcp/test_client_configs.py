"""The client configurations in server/ are valid and start a command that exists."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

SERVER_DIR = Path(__file__).resolve().parents[2] / "server"
SEARCH_PATH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def stdio_entries(config: dict[str, Any]) -> list[dict[str, Any]]:
    servers = config.get("mcpServers") or config.get("servers") or {}
    return [entry for entry in servers.values() if "command" in entry]


@pytest.mark.parametrize(
    "name", ["claude_desktop_config.json", "cursor_mcp.json", "vscode_mcp.json"]
)
def test_a_json_config_starts_agent_tools_serve(name: str) -> None:
    config = json.loads((SERVER_DIR / name).read_text())
    entries = stdio_entries(config)
    assert entries
    for entry in entries:
        assert shutil.which(entry["command"], path=SEARCH_PATH), entry["command"]
        assert entry["args"][0] == "serve"


def test_the_vscode_http_entry_points_at_the_mcp_path() -> None:
    config = json.loads((SERVER_DIR / "vscode_mcp.json").read_text())
    urls = [entry["url"] for entry in config["servers"].values() if entry.get("type") == "http"]
    assert urls == ["http://127.0.0.1:8000/mcp"]


def test_the_claude_code_script_adds_a_server_whose_command_exists() -> None:
    lines = [
        line
        for line in (SERVER_DIR / "claude_code.sh").read_text().splitlines()
        if line.startswith("claude mcp add")
    ]
    assert lines
    for line in lines:
        words = shlex.split(line)
        command = words[words.index("--") + 1 :]
        assert shutil.which(command[0], path=SEARCH_PATH)
        assert command[1] == "serve"
