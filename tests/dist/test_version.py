"""The version is written once, in pyproject.toml, and shown from the installed metadata."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import metadata
from pathlib import Path

import agent_tools
from agent_tools.version import DISTRIBUTION

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_agent_tools_version_prints_the_installed_metadata_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agent_tools.surfaces.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    installed = metadata(DISTRIBUTION)["Version"]
    assert result.stdout.split() == ["agent-tools", installed, f"({DISTRIBUTION})"]
    assert agent_tools.__version__ == installed


def test_the_installed_distribution_is_the_one_pyproject_declares() -> None:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    installed = metadata(DISTRIBUTION)
    assert project["name"] == DISTRIBUTION == installed["Name"]
    assert project["version"] == installed["Version"]
    assert installed["License-Expression"] == "Apache-2.0"


def test_the_all_extra_is_the_union_of_every_runtime_extra() -> None:
    extras = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]
    runtime = [name for name in extras if name not in {"all", "dev"}]
    expected = {"postgres", "redis", "fleet", "otel", "ui", "agents", "langchain", "pydantic-ai"}
    assert expected <= set(runtime)
    union = {requirement for name in runtime for requirement in extras[name]}
    assert set(extras["all"]) == union


def test_the_dev_extra_scripts_test_installs_holds_every_runtime_extra() -> None:
    extras = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]
    missing = set(extras["all"]) - set(extras["dev"])
    assert not missing, f"scripts/test would not install {sorted(missing)}"
