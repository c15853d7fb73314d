"""server/server.json is a valid MCP registry entry for the distribution, and what a registry
client builds from it starts the server."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from agent_tools.settings import ENV_PREFIX, Settings
from agent_tools.surfaces.cli import build_parser
from tests.dist.conftest import BuiltDistribution, uv_command
from tests.dist.launching import (
    DISTRIBUTION,
    REPOSITORY,
    initialize_over_stdio,
    outside_environment,
)

SERVER_JSON = REPOSITORY / "server" / "server.json"
SCHEMA_VERSION = "2025-12-11"
SCHEMA_URL = f"https://static.modelcontextprotocol.io/schemas/{SCHEMA_VERSION}/server.schema.json"


def entry() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SERVER_JSON.read_text())
    return loaded


def published_schema() -> dict[str, Any]:
    """The registry's schema as released, from the copy the skillsaw package carries."""
    folder = files("skillsaw.schemas.mcp_registry") / f"v{SCHEMA_VERSION.replace('-', '_')}"
    schema: dict[str, Any] = json.loads((folder / "server.schema.json").read_text())
    assert schema["$id"] == SCHEMA_URL
    return schema


def pypi_package() -> dict[str, Any]:
    (package,) = entry()["packages"]
    assert isinstance(package, dict)
    return package


def test_server_json_is_valid_against_the_published_registry_schema() -> None:
    document = entry()
    assert document["$schema"] == SCHEMA_URL
    validator = jsonschema.Draft7Validator(
        published_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    problems = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(document)]
    assert not problems


def test_the_schema_check_refuses_an_entry_without_packages_transport() -> None:
    """The validation above can fail: a package without its transport is refused."""
    document = entry()
    del document["packages"][0]["transport"]
    assert not jsonschema.Draft7Validator(published_schema()).is_valid(document)


def test_the_entry_meets_the_official_registry_publishing_rules(tmp_path: Path) -> None:
    """skillsaw's registry rule: reverse-DNS name with one slash, exact versions, and so on."""
    shutil.copy(SERVER_JSON, tmp_path / "server.json")
    linted = subprocess.run(
        [str(Path(sys.executable).parent / "skillsaw"), "lint", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "Repo type: mcp-registry" in linted.stdout


def test_the_entry_names_the_pypi_distribution_at_the_project_version() -> None:
    version = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]["version"]
    package = pypi_package()
    assert package["registryType"] == "pypi"
    assert package["identifier"] == DISTRIBUTION
    assert package["transport"] == {"type": "stdio"}
    assert package["version"] == entry()["version"] == version


def test_the_readme_carries_the_ownership_marker_the_registry_checks_on_pypi() -> None:
    """The registry accepts a PyPI package only if its description says ``mcp-name: NAME``."""
    assert f"mcp-name: {entry()['name']}" in (REPOSITORY / "README.md").read_text()


def test_every_documented_environment_variable_is_a_setting_with_that_default() -> None:
    defaults = Settings()
    for variable in pypi_package()["environmentVariables"]:
        name = variable["name"]
        assert name.startswith(ENV_PREFIX)
        field = name.removeprefix(ENV_PREFIX).lower()
        assert field in Settings.model_fields, name
        assert variable["description"]
        if "default" in variable:
            loaded = Settings.load(environ={name: variable["default"]})
            assert getattr(loaded, field) == getattr(defaults, field), name


def test_the_package_arguments_are_a_command_of_the_cli() -> None:
    arguments = [argument["value"] for argument in pypi_package()["packageArguments"]]
    assert build_parser().parse_args(arguments).command == "serve"


@pytest.mark.slow
def test_the_command_a_registry_client_builds_answers_initialize(
    built: BuiltDistribution, tmp_path: Path
) -> None:
    """``uvx <identifier> serve`` with the wheel standing in for the unpublished name."""
    package = pypi_package()
    assert package["runtimeHint"] == "uvx"
    arguments = [argument["value"] for argument in package["packageArguments"]]
    command = [uv_command("uvx"), "--from", str(built.wheel), package["identifier"], *arguments]
    variables = {"AGENT_TOOLS_ROOT": str(tmp_path), "AGENT_TOOLS_BUDGET_MS": "3000"}
    result = initialize_over_stdio(command, outside_environment(tmp_path, **variables), tmp_path)
    assert result["serverInfo"]["version"] == built.version
