"""The committed app is what ``scripts/build-app`` makes from web/operation-app."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "agent_tools" / "surfaces" / "mcp" / "app"
BUILT_FILES = ("operation.html", "THIRD_PARTY_LICENSES.txt")


@pytest.mark.slow
def test_the_committed_app_is_current(tmp_path: Path) -> None:
    subprocess.run(
        [str(ROOT / "scripts" / "build-app"), "--out", str(tmp_path)], check=True, timeout=600
    )
    for name in BUILT_FILES:
        assert (tmp_path / name).read_bytes() == (PACKAGED / name).read_bytes(), (
            f"{name} is out of date: run scripts/build-app and commit the result"
        )


def test_the_licences_of_everything_bundled_are_kept() -> None:
    licences = (PACKAGED / "THIRD_PARTY_LICENSES.txt").read_text(encoding="utf-8")
    for package in ("@modelcontextprotocol/ext-apps 2.0.4", "@modelcontextprotocol/client", "zod"):
        assert package in licences
    assert "THIRD_PARTY_LICENSES.txt" in (PACKAGED / "operation.html").read_text(encoding="utf-8")
