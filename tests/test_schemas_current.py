"""The files in schemas/ are what ``agent-tools schema export`` makes now."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from agent_tools.surfaces.schema_export import exported_files, render

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def test_every_committed_schema_file_is_current() -> None:
    stale = [
        relative
        for relative, content in exported_files().items()
        if not (SCHEMAS / relative).exists()
        or (SCHEMAS / relative).read_text(encoding="utf-8") != render(content)
    ]
    assert not stale, f"run `agent-tools schema export`: stale {stale}"


def test_schema_show_prints_the_exported_openai_tools() -> None:
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent_tools.surfaces.cli",
            "schema",
            "show",
            "--format",
            "openai-chat",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert shown == (SCHEMAS / "openai" / "chat.json").read_text(encoding="utf-8")
