"""Take the README's screenshots of /ui: a list with running, paused, completed and cancelled
operations, and the detail page of a running one. Needs Chromium (scripts/install-debian).

    .venv/bin/python scripts/ui_screenshot.py        # writes docs/ui-list.png, docs/ui-detail.png
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.async_api import async_playwright  # noqa: E402

from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.web.serving import serving  # noqa: E402

DOCS = REPO / "docs"


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with serving(Path(folder)) as served:
            engine = served.engine
            done = await engine.execute_incrementally(
                "counter", {"total_items": 30, "items_per_chunk": 3}, budget_ms=20_000
            )
            cancelled = await served.start_counter(total_items=300, chunk_delay_ms=40)
            paused = await served.start_counter(total_items=500, chunk_delay_ms=30)
            running = await served.start_counter(total_items=300, chunk_delay_ms=60)
            fast = await served.start_counter(total_items=3000, chunk_delay_ms=5)
            async with async_playwright() as driver:
                browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = await browser.new_page(viewport={"width": 1180, "height": 330})
                # The list's event stream records every running operation's progress, so the
                # detail page opened later charts it from the start.
                await page.goto(f"{served.base_url}/ui")
                await served.wait_for(paused, lambda view: view.progress.current_step >= 120)
                await engine.pause(paused)
                await served.wait_for(cancelled, lambda view: view.progress.current_step >= 40)
                await engine.cancel(cancelled, reason="not needed any more")
                await page.locator(f'tr[data-operation-id="{cancelled}"] td.cancelled').wait_for()
                await page.screenshot(path=str(DOCS / "ui-list.png"))
                await served.wait_for(running, lambda view: view.progress.current_step >= 150)
                await page.goto(f"{served.base_url}/ui/operations/{running}")
                await served.wait_for(running, lambda view: view.progress.current_step >= 200)
                await page.set_viewport_size({"width": 1180, "height": 1040})
                await page.screenshot(path=str(DOCS / "ui-detail.png"))
                await browser.close()
            for operation_id in (running, fast):
                await engine.cancel(operation_id)
            print(f"completed {done.operation_id}; wrote {DOCS / 'ui-list.png'}, ui-detail.png")


if __name__ == "__main__":
    asyncio.run(main())
