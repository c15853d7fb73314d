"""``agent-tools ops watch`` in a real terminal (tmux): the bar moves while an operation runs."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.operators.conftest import OPS_FILE, REPO, WAIT_S, Serving
from tests.services import REQUIRE_SERVICES

PERCENT = re.compile(r"(\d+)%")
POLL_S = 0.1


def tmux_or_skip() -> str:
    found = shutil.which("tmux")
    if found is None:
        message = "tmux is missing (scripts/install-debian tmux installs it)"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    return found


class Pane:
    """A detached tmux session on its own server socket, running one command."""

    def __init__(self, tmux: str, command: list[str]) -> None:
        self._base = [tmux, "-L", f"agent-tools-{uuid.uuid4().hex[:8]}"]
        self._tmux("new-session", "-d", "-x", "150", "-y", "12", "-c", str(REPO), *command)
        self._tmux("set-option", "-g", "remain-on-exit", "on")

    def _tmux(self, *arguments: str) -> str:
        done = subprocess.run(
            [*self._base, *arguments], capture_output=True, text=True, timeout=10, check=True
        )
        return done.stdout

    def capture(self) -> str:
        # From the start of the history: when the command exits, tmux scrolls its last
        # screen out of view to write "Pane is dead", and a poll may only come after that.
        return self._tmux("capture-pane", "-p", "-S", "-")

    async def wait_for(self, found: re.Pattern[str] | str) -> str:
        """The screen once it shows ``found``; fails after ``WAIT_S``."""
        deadline = time.monotonic() + WAIT_S
        while True:
            screen = self.capture()
            if found.search(screen) if isinstance(found, re.Pattern) else found in screen:
                return screen
            assert time.monotonic() < deadline, f"never shown: {found}\n{screen}"
            await asyncio.sleep(POLL_S)

    def close(self) -> None:
        self._tmux("kill-server")


def percent_shown(screen: str) -> int:
    return max(int(value) for value in PERCENT.findall(screen))


async def test_the_watch_bar_moves_in_a_terminal_while_the_operation_runs(
    serving: Serving,
) -> None:
    tmux = tmux_or_skip()
    operation_id = await serving.start_counter(150, 60)
    command = [sys.executable, "-m", "agent_tools.surfaces.cli", "ops", "--store"]
    pane = Pane(tmux, [*command, serving.store, "--ops", OPS_FILE, "watch", operation_id])
    try:
        first = await pane.wait_for(re.compile(r"[1-9]\d*%.*running"))
        earlier = percent_shown(first)
        later = await pane.wait_for(
            re.compile("|".join(rf"\b{n}%" for n in range(earlier + 5, 101)))
        )
        assert "━" in later and operation_id in later
        assert "eta" in later and "/s" in later
        final = await pane.wait_for("completed")
        assert "100%" in final and "150/150" in final
    finally:
        pane.close()
