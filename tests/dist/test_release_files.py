"""The sdist and the wheel hold exactly the project's tracked files: all of the package, the
schemas and the static assets, and nothing from tests/ or a developer's local files."""

from __future__ import annotations

import subprocess
import tarfile
import zipfile

import pytest

from tests.dist.conftest import BuiltDistribution
from tests.dist.launching import REPOSITORY

pytestmark = pytest.mark.slow

SDIST_TOP_FILES = {
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
}
LOCAL_MARKERS = (".venv/", ".tools/", "__pycache__/", ".pyc", ".db")


def tracked(folder: str) -> set[str]:
    """The files git tracks under ``folder`` (what a fresh clone has)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", folder],
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return {path for path in listed.split("\0") if path}


def wheel_files(built: BuiltDistribution) -> set[str]:
    with zipfile.ZipFile(built.wheel) as wheel:
        return {name for name in wheel.namelist() if not name.endswith("/")}


def sdist_files(built: BuiltDistribution) -> set[str]:
    with tarfile.open(built.sdist) as sdist:
        names = [member.name for member in sdist.getmembers() if member.isfile()]
    # Every member sits under "<name>-<version>/".
    return {name.split("/", 1)[1] for name in names}


def shipped_schemas() -> set[str]:
    """Where the tracked ``schemas/`` files land inside the wheel."""
    return {f"agent_tools/{path}" for path in tracked("schemas")}


def test_the_wheel_holds_every_tracked_file_of_the_package_and_the_schemas(
    built: BuiltDistribution,
) -> None:
    files = wheel_files(built)
    package = tracked("agent_tools")
    assert "agent_tools/py.typed" in package
    missing = (package | shipped_schemas()) - files
    assert not missing, f"not in the wheel: {sorted(missing)}"


def test_the_wheel_ships_the_built_mcp_app(built: BuiltDistribution) -> None:
    # Built by scripts/build-app and committed; tests/mcp_app checks that they are current.
    files = wheel_files(built)
    for name in ("operation.html", "THIRD_PARTY_LICENSES.txt"):
        assert f"agent_tools/surfaces/mcp/app/{name}" in files


def test_the_wheel_ships_nothing_git_does_not_track(built: BuiltDistribution) -> None:
    files = wheel_files(built)
    payload = {name for name in files if not name.split("/", 1)[0].endswith(".dist-info")}
    unexpected = payload - tracked("agent_tools") - shipped_schemas()
    assert not unexpected, f"untracked files in the wheel: {sorted(unexpected)}"
    assert not [name for name in files if any(marker in name for marker in LOCAL_MARKERS)]


def test_the_wheel_metadata_names_the_distribution_and_both_commands(
    built: BuiltDistribution,
) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        info = next(name for name in wheel.namelist() if name.endswith(".dist-info/METADATA"))
        metadata = wheel.read(info).decode()
        entry_points = wheel.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "Name: agent-tools-incremental" in metadata
    assert "License-Expression: Apache-2.0" in metadata
    for extra in ("postgres", "redis", "fleet", "otel", "ui", "all"):
        assert f"Provides-Extra: {extra}" in metadata
    assert "agent-tools = agent_tools.surfaces.cli:main" in entry_points
    assert "agent-tools-incremental = agent_tools.surfaces.cli:main" in entry_points


def test_the_sdist_holds_the_package_the_schemas_and_the_build_files(
    built: BuiltDistribution,
) -> None:
    files = sdist_files(built)
    missing = (tracked("agent_tools") | tracked("schemas") | SDIST_TOP_FILES) - files
    assert not missing, f"not in the sdist: {sorted(missing)}"


def test_the_sdist_holds_no_tests_and_no_local_files(built: BuiltDistribution) -> None:
    files = sdist_files(built)
    assert not [name for name in files if name.startswith("tests/")]
    # Besides tracked files, an sdist holds only what the build writes about itself.
    generated = {"PKG-INFO", "setup.cfg"} | {
        name for name in files if name.startswith("agent_tools_incremental.egg-info/")
    }
    untracked = files - tracked(".") - generated
    assert not untracked, f"untracked files in the sdist: {sorted(untracked)}"
