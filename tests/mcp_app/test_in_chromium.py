"""The operation app in headless Chromium, inside a host built on ext-apps' AppBridge.

The host page calls the tools as a model would, against a real ``agent-tools serve
--http``, and renders the app in a sandbox proxy under the CSP the resource
declares. The test then uses the app as a person would and checks the outcome
through the server's own tools, with the Python client.

Set ``AGENT_TOOLS_APP_SCREENSHOTS=docs`` to keep the screenshots (the README's).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from tests.mcp.conftest import HttpServer, start_http_server
from tests.mcp_app.host_server import HostServer, start_host_server
from tests.services import REQUIRE_SERVICES

pytest.importorskip("playwright")
from playwright.async_api import Browser, ConsoleMessage, FrameLocator, Page, async_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEADLINE_S = 60.0

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def chromium_or_skip() -> None:
    """Debian's chromium is needed; in CI (services required) its absence is a failure."""
    if not CHROMIUM.exists():
        message = "chromium is missing (scripts/install-debian chromium installs it)"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def host_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test host's script, bundled with the pinned ext-apps and MCP client packages."""
    target = tmp_path_factory.mktemp("host") / "host.js"
    subprocess.run(
        [
            str(ROOT / "scripts" / "build-app"),
            "--host",
            str(ROOT / "tests/mcp_app/host/host.js"),
            str(target),
        ],
        check=True,
        timeout=600,
    )
    return target


@pytest.fixture
def mcp_server(tmp_path: Path) -> Iterator[HttpServer]:
    server = start_http_server(f"sqlite:///{tmp_path / 'operations.db'}")
    yield server
    server.stop()


@pytest.fixture
def host(mcp_server: HttpServer, host_script: Path) -> Iterator[HostServer]:
    server = start_host_server(mcp_server.url, host_script)
    yield server
    server.stop()


class BrowserSession:
    """One page on the host, and every console error or page error of any of its frames."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    @property
    def app(self) -> FrameLocator:
        """The app's frame, inside the sandbox proxy's frame."""
        return self.page.frame_locator("#chat iframe").frame_locator("iframe")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture
async def session(browser: Browser, host: HostServer) -> AsyncIterator[BrowserSession]:
    page = await browser.new_page(viewport={"width": 600, "height": 640})
    session = BrowserSession(page)
    await page.goto(host.url)
    await page.wait_for_function("window.hostReady === true")
    yield session
    await page.close()


async def eventually(check: Callable[[], Awaitable[Any]], what: str) -> Any:
    """Poll ``check`` until it returns something truthy, or fail after the deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def progress_of(mcp_server: HttpServer, operation_id: str) -> dict[str, Any]:
    async with Client(mcp_server.url, read_timeout_seconds=60) as client:
        result = await client.call_tool("get_progress", {"operation_id": operation_id})
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def screenshot(session: BrowserSession, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("AGENT_TOOLS_APP_SCREENSHOTS") or tmp_path)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    await session.page.locator("#chat iframe").screenshot(path=str(folder / name))


async def test_the_bar_advances_and_pause_pauses_the_operation(
    session: BrowserSession, mcp_server: HttpServer, tmp_path: Path
) -> None:
    started = await session.page.evaluate(
        """host.run("execute_incrementally", {
            operation_type: "counter", operation_id: "app-counter", mode: "background",
            input: {total_items: 3000, chunk_delay_ms: 20}, budget_ms: 200})"""
    )
    assert started["status"] in ("running", "pending")
    bar = session.app.locator("#bar")

    async def percent() -> float:
        value = await bar.get_attribute("aria-valuenow")
        return float(value) if value is not None else -1.0

    first = await eventually(lambda: _above(percent, 0), "the bar to show progress")
    await eventually(lambda: _above(percent, first + 2), "the bar to advance")
    await eventually(lambda: session.app.locator("#items li").count(), "the newest result items")
    await screenshot(session, "operation-app-light.png", tmp_path)

    await session.app.locator("#pause").click()
    await eventually(
        lambda: _contains(session.app.locator("#status"), "paused"), "the app to show paused"
    )
    view = await progress_of(mcp_server, "app-counter")
    assert view["status"] == "paused"
    assert 0 < view["progress"]["current_step"] < 3000

    calls = await session.page.evaluate("host.appCalls")
    polls = [call for call in calls if call["name"] == "get_progress"]
    assert polls and all(call["arguments"]["wait_ms"] > 0 for call in polls)
    assert any(call["name"] == "get_latest_results" for call in calls)
    assert {"name": "pause", "arguments": {"operation_id": "app-counter"}} in calls
    assert session.errors == []


async def test_a_question_is_answered_from_the_app_in_a_dark_host(
    session: BrowserSession, mcp_server: HttpServer, tmp_path: Path
) -> None:
    asked = await session.page.evaluate(
        """host.run("execute_incrementally", {
            operation_type: "approval", operation_id: "app-question",
            input: {plan: "print the quarterly report"}}, "dark")"""
    )
    assert list(asked["input_requests"]) == ["approve@0"]
    form = session.app.locator("#questions form")
    await form.get_by_text("Approve: print the quarterly report?").wait_for()
    background = await session.app.locator("body").evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    assert background == "rgb(23, 24, 26)"  # the dark host's --color-background-primary
    await form.locator("input[name=copies]").fill("2")
    await screenshot(session, "operation-app-question-dark.png", tmp_path)
    await form.get_by_role("button", name="Answer").click()
    await eventually(
        lambda: _contains(session.app.locator("#status"), "completed"), "the app to show completed"
    )
    view = await progress_of(mcp_server, "app-question")
    assert view["status"] == "completed"
    assert view["result"] == {"approved": 2}
    assert session.errors == []


async def _above(read: Callable[[], Awaitable[float]], threshold: float) -> float | None:
    value = await read()
    return value if value > threshold else None


async def _contains(locator: Any, text: str) -> bool:
    return text in (await locator.text_content() or "")
