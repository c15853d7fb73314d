"""The built distribution, once per session: sdist and wheel, and a fresh venv holding the wheel.

Everything here runs outside the repository (temporary folders, an environment without
``PYTHONPATH`` or the repository's venv), so a test passes only if the built files work alone.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.dist.launching import REPOSITORY, outside_environment

BUILD_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class BuiltDistribution:
    """The sdist and the wheel ``uv build`` made from the working tree (wheel from the sdist)."""

    folder: Path
    sdist: Path
    wheel: Path

    @property
    def version(self) -> str:
        """The version in the wheel's file name (``<name>-<version>-py3-none-any.whl``)."""
        return self.wheel.name.split("-")[1]


def uv_command(name: str = "uv") -> str:
    """``uv`` or ``uvx`` from the dev extra, else from ``PATH``."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: install the dev extra (`source scripts/_venv.sh`)")
    return found


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltDistribution:
    folder = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [uv_command(), "build", "--quiet", "--out-dir", str(folder), str(REPOSITORY)],
        check=True,
        timeout=BUILD_TIMEOUT_S,
        capture_output=True,
        cwd=folder,
    )
    (sdist,) = folder.glob("*.tar.gz")
    (wheel,) = folder.glob("*.whl")
    return BuiltDistribution(folder, sdist, wheel)


@pytest.fixture(scope="session")
def installed_venv(built: BuiltDistribution, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment outside the repository with the wheel pip-installed into it."""
    root = tmp_path_factory.mktemp("installed")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    pip_install = [str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run(
        [*pip_install, str(built.wheel)],
        check=True,
        timeout=BUILD_TIMEOUT_S,
        capture_output=True,
        cwd=root,
        env=outside_environment(root),
    )
    return root / "venv"
