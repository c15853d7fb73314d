"""Each client configuration in server/ starts a server that answers ``initialize``.

The default form runs ``uvx --from agent-tools-incremental agent-tools serve``: the test runs
that command with the built wheel in place of the distribution name (the name is not
published yet). The alternative in server/installed/ (and the commented Claude Code line)
runs the installed ``agent-tools`` command: the test puts the fresh venv's bin first on PATH.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.dist.conftest import BuiltDistribution, uv_command
from tests.dist.launching import (
    DISTRIBUTION,
    REPOSITORY,
    initialize_over_stdio,
    outside_environment,
)

pytestmark = pytest.mark.slow

SERVER = REPOSITORY / "server"
JSON_CONFIGS = ("claude_desktop_config.json", "cursor_mcp.json", "vscode_mcp.json")
UVX_FORM = ["uvx", "--from", DISTRIBUTION, "agent-tools", "serve"]
INSTALLED_FORM = ["agent-tools", "serve"]
FOLDER_PLACEHOLDERS = ("${workspaceFolder}", "$PWD", "/absolute/path/of/a/folder/agents/may/read")


@dataclass(frozen=True)
class Launch:
    """One stdio server entry: what a client would run, with which extra environment."""

    command: list[str]
    env: dict[str, str]


def json_launches(config: dict[str, Any]) -> list[Launch]:
    servers = config.get("mcpServers") or config.get("servers") or {}
    return [
        Launch([entry["command"], *entry.get("args", [])], dict(entry.get("env", {})))
        for entry in servers.values()
        if "command" in entry
    ]


def claude_code_launches(commented: bool) -> list[Launch]:
    """The ``claude mcp add ... -- COMMAND`` lines of claude_code.sh (or its commented ones)."""
    prefix = "# claude mcp add" if commented else "claude mcp add"
    launches = []
    for line in (SERVER / "claude_code.sh").read_text().splitlines():
        if not line.startswith(prefix) or " -- " not in line:
            continue
        words = shlex.split(line.removeprefix("# "))
        options, command = words[: words.index("--")], words[words.index("--") + 1 :]
        env = dict(
            options[index + 1].split("=", 1)
            for index, word in enumerate(options)
            if word == "--env"
        )
        launches.append(Launch(command, env))
    return launches


def default_launches(name: str) -> list[Launch]:
    if name == "claude_code.sh":
        return claude_code_launches(commented=False)
    return json_launches(json.loads((SERVER / name).read_text()))


def installed_launches(name: str) -> list[Launch]:
    if name == "claude_code.sh":
        return claude_code_launches(commented=True)
    return json_launches(json.loads((SERVER / "installed" / name).read_text()))


def filled(launch: Launch, folder: Path) -> Launch:
    """The launch as a client runs it: its folder variables replaced by a real folder."""

    def fill(text: str) -> str:
        for placeholder in FOLDER_PLACEHOLDERS:
            text = text.replace(placeholder, str(folder))
        return text

    return Launch(
        [fill(word) for word in launch.command],
        {key: fill(value) for key, value in launch.env.items()},
    )


CONFIGS = (*JSON_CONFIGS, "claude_code.sh")


@pytest.mark.parametrize("name", CONFIGS)
def test_the_default_config_runs_uvx_from_the_distribution(name: str) -> None:
    launches = default_launches(name)
    assert launches
    for launch in launches:
        assert launch.command[: len(UVX_FORM)] == UVX_FORM


@pytest.mark.parametrize("name", CONFIGS)
def test_the_alternative_config_runs_the_installed_command(name: str) -> None:
    launches = installed_launches(name)
    assert launches
    for launch in launches:
        assert launch.command[: len(INSTALLED_FORM)] == INSTALLED_FORM
    defaults = default_launches(name)
    assert [launch.command[len(INSTALLED_FORM) :] for launch in launches] == [
        launch.command[len(UVX_FORM) :] for launch in defaults
    ], "both forms pass the same options"


@pytest.mark.parametrize("name", CONFIGS)
def test_the_default_config_starts_a_server_that_answers_initialize(
    name: str, built: BuiltDistribution, tmp_path: Path
) -> None:
    (tmp_path / "folder").mkdir()
    for written in default_launches(name):
        launch = filled(written, tmp_path / "folder")
        # The wheel stands in for the name the package registry does not have yet.
        command = [uv_command("uvx"), "--from", str(built.wheel), *launch.command[3:]]
        environment = outside_environment(tmp_path, **launch.env)
        result = initialize_over_stdio(command, environment, tmp_path)
        assert result["serverInfo"]["name"] == "agent-tools"
        assert result["serverInfo"]["version"] == built.version


@pytest.mark.parametrize("name", CONFIGS)
def test_the_installed_command_config_starts_a_server_that_answers_initialize(
    name: str, installed_venv: Path, tmp_path: Path
) -> None:
    (tmp_path / "folder").mkdir()
    for written in installed_launches(name):
        launch = filled(written, tmp_path / "folder")
        environment = outside_environment(tmp_path, [installed_venv / "bin"], **launch.env)
        result = initialize_over_stdio(launch.command, environment, tmp_path)
        assert result["serverInfo"]["name"] == "agent-tools"
