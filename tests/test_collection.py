"""The bare test command collects every test file under tests/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_every_test_file_is_collected() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q"],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    collected = {line.split("::", 1)[0] for line in listed.splitlines() if "::" in line}
    on_disk = {str(path.relative_to(TESTS.parent)) for path in TESTS.rglob("test_*.py")}
    assert on_disk - collected == set()
