"""A served web page and a headless Chromium that records every console error."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from tests.web.serving import Served, serving

CHROMIUM = os.environ.get("AGENT_TOOLS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass
class Browser:
    """A page of headless Chromium, and what its console reported as errors."""

    page: Page
    errors: list[str] = field(default_factory=list)


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    async with serving(tmp_path) as server:
        yield server


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"no Chromium at {CHROMIUM}: bash scripts/install-debian chromium")
    async with async_playwright() as driver:
        chromium = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await chromium.new_page(viewport={"width": 1280, "height": 900})
        recorded = Browser(page)
        page.on(
            "console",
            lambda message: (
                recorded.errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: recorded.errors.append(str(error)))
        try:
            yield recorded
        finally:
            await chromium.close()
