"""The one-line starts from the README work from the built wheel alone, outside the repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.dist.conftest import BuiltDistribution, uv_command
from tests.dist.launching import (
    http_server,
    initialize_over_http,
    initialize_over_stdio,
    json_rpc_result,
    outside_environment,
)

pytestmark = pytest.mark.slow


def test_uvx_from_the_wheel_serves_stdio_and_answers_initialize(
    built: BuiltDistribution, tmp_path: Path
) -> None:
    command = [uv_command("uvx"), "--from", str(built.wheel), "agent-tools", "serve"]
    result = initialize_over_stdio(command, outside_environment(tmp_path), tmp_path)
    assert result["serverInfo"]["name"] == "agent-tools"
    assert result["serverInfo"]["version"] == built.version
    assert "tools" in result["capabilities"]
    # With no --store the server made its default SQLite file in the user's data folder.
    assert (tmp_path / "data" / "agent-tools" / "operations.db").exists()


def test_the_pip_installed_package_is_imported_from_its_own_venv(installed_venv: Path) -> None:
    shown = subprocess.run(
        [
            str(installed_venv / "bin" / "python"),
            "-c",
            "import agent_tools; print(agent_tools.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=installed_venv,
        env=outside_environment(installed_venv.parent),
    ).stdout
    assert Path(shown.strip()).is_relative_to(installed_venv)


def test_the_pip_installed_command_serves_streamable_http_with_a_token(
    built: BuiltDistribution, installed_venv: Path, tmp_path: Path
) -> None:
    bin_folder = installed_venv / "bin"
    environment = outside_environment(tmp_path, [bin_folder])
    token = subprocess.run(
        ["agent-tools", "tokens", "create", "--principal", "me", "--role", "operator"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=environment,
    ).stdout.strip()
    command = ["agent-tools", "serve", "--http", "--port", "0"]
    with http_server(command, environment, tmp_path) as server:
        assert initialize_over_http(server.url, token=None).status_code == 401
        answer = initialize_over_http(server.url, token=token)
        assert answer.status_code == 200, answer.text
        result = json_rpc_result(answer)
    assert result["serverInfo"]["version"] == built.version
