"""The /ui page in headless Chromium: live bars, pause and cancel clicks, no console errors."""

from __future__ import annotations

from pathlib import Path

from agent_tools.core.principals import Principal, Role, acting_as
from agent_tools.core.status import OperationStatus
from agent_tools.surfaces.auth.token_file import TokenFile
from tests.web.conftest import Browser
from tests.web.serving import Served, serving

WAIT_MS = 20_000


def _bar_of(operation_id: str) -> str:
    return f'tr[data-operation-id="{operation_id}"] [role=progressbar]'


async def test_the_list_bar_moves_while_an_operation_runs(served: Served, browser: Browser) -> None:
    operation_id = await served.start_counter(total_items=80, chunk_delay_ms=100)
    page = browser.page
    await page.goto(f"{served.base_url}/ui")
    bar = page.locator(_bar_of(operation_id))
    await bar.wait_for(timeout=WAIT_MS)
    first = float(await bar.get_attribute("aria-valuenow") or 0)
    # The page never reloads or polls: a larger value can only arrive over the event stream.
    await page.wait_for_function(
        """([selector, first]) => {
            const bar = document.querySelector(selector);
            return bar && Number(bar.getAttribute("aria-valuenow")) > first;
        }""",
        arg=[_bar_of(operation_id), first],
        timeout=WAIT_MS,
    )
    later = float(await bar.get_attribute("aria-valuenow") or 0)
    view = await served.engine.get_progress(operation_id)
    assert first < later <= 100
    assert view.status in (OperationStatus.RUNNING, OperationStatus.COMPLETED)
    await served.engine.cancel(operation_id)
    assert browser.errors == []


async def test_a_click_on_pause_pauses_the_operation(served: Served, browser: Browser) -> None:
    operation_id = await served.start_counter(total_items=400, chunk_delay_ms=50)
    await served.wait_for(operation_id, lambda view: view.progress.current_step > 0)
    page = browser.page
    await page.goto(f"{served.base_url}/ui/operations/{operation_id}")
    await page.locator("#status.running").wait_for(timeout=WAIT_MS)
    await page.click("#pause")
    view = await served.wait_for(operation_id, lambda view: view.status is OperationStatus.PAUSED)
    await page.locator("#status.paused").wait_for(timeout=WAIT_MS)
    # The chunk in flight at the click may still commit; after it, nothing moves.
    settled = await served.settled(operation_id)
    assert settled.status is OperationStatus.PAUSED
    assert 0 < settled.progress.current_step <= view.progress.current_step + 1 < 400
    assert await page.is_enabled("#resume")
    assert browser.errors == []


async def test_a_cancelled_operation_shows_as_cancelled(served: Served, browser: Browser) -> None:
    clicked = await served.start_counter(total_items=400, chunk_delay_ms=50)
    elsewhere = await served.start_counter(total_items=400, chunk_delay_ms=50)
    page = browser.page
    await page.goto(f"{served.base_url}/ui/operations/{clicked}")
    await page.locator("#cancel:enabled").wait_for(timeout=WAIT_MS)
    await page.click("#cancel")
    await page.locator("#status.cancelled").wait_for(timeout=WAIT_MS)
    assert (await served.engine.get_progress(clicked)).status is OperationStatus.CANCELLED
    await served.engine.cancel(elsewhere, reason="from a test")
    await page.goto(f"{served.base_url}/ui")
    for operation_id in (clicked, elsewhere):
        row = page.locator(f'tr[data-operation-id="{operation_id}"]')
        await row.locator("td.status.cancelled").wait_for(timeout=WAIT_MS)
    assert browser.errors == []


async def test_the_detail_page_charts_progress_and_pages_the_results(
    served: Served, browser: Browser
) -> None:
    operation_id = await served.start_counter(total_items=45, chunk_delay_ms=40)
    page = browser.page
    await page.goto(f"{served.base_url}/ui/operations/{operation_id}")
    await page.locator("#status.completed").wait_for(timeout=WAIT_MS)
    points = await page.locator("#chart").get_attribute("data-points")
    assert points is not None and int(points) >= 2
    assert await page.locator("#chart path.line-progress").count() == 1
    await page.locator("#results tr").first.wait_for(timeout=WAIT_MS)
    assert await page.text_content("#results-where") == "items 1-20"
    await page.click("#results-next")
    await page.wait_for_function(
        "() => document.querySelector('#results-where').textContent === 'items 21-40'",
        timeout=WAIT_MS,
    )
    await page.click("#results-next")
    await page.wait_for_function(
        "() => document.querySelector('#results-where').textContent === 'items 41-45'",
        timeout=WAIT_MS,
    )
    assert await page.is_disabled("#results-next")
    assert await page.text_content("#eta") == "done"
    assert browser.errors == []


async def test_signing_in_in_the_browser_gives_live_bars_and_working_buttons(
    tmp_path: Path, browser: Browser
) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    _, token = tokens.create("night-shift", Role.OPERATOR)
    async with serving(tmp_path, no_auth=False, tokens_file=tokens.path) as served:
        # Owners see only their own operations: this one is night-shift's.
        with acting_as(Principal("night-shift", Role.OPERATOR)):
            operation_id = await served.start_counter(total_items=400, chunk_delay_ms=50)
        page = browser.page
        await page.goto(f"{served.base_url}/ui")
        assert page.url.endswith("/ui/login")
        await page.fill("#token", token)
        await page.click("#sign-in")
        # The event stream authenticates with the session cookie alone.
        await page.locator(_bar_of(operation_id)).wait_for(timeout=WAIT_MS)
        assert "night-shift" in (await page.text_content("#who") or "")
        await page.goto(f"{served.base_url}/ui/operations/{operation_id}")
        await page.locator("#status.running").wait_for(timeout=WAIT_MS)
        await page.click("#pause")
        await served.wait_for(operation_id, lambda view: view.status is OperationStatus.PAUSED)
        await page.locator("#status.paused").wait_for(timeout=WAIT_MS)
        await served.engine.cancel(operation_id)
    assert browser.errors == []
