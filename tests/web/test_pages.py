"""Every HTML page is its own body inside the one layout the pages share."""

from __future__ import annotations

import httpx
import pytest

from tests.web.serving import Served


@pytest.mark.parametrize(
    ("path", "title", "own_element"),
    [
        ("/ui", "agent-tools · operations", 'id="rows"'),
        ("/ui/operations/any-id", "agent-tools · operation", 'id="checkpoints"'),
    ],
)
async def test_a_page_is_its_body_in_the_shared_layout(
    served: Served, path: str, title: str, own_element: str
) -> None:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as client:
        response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert page.startswith("<!doctype html>")
    assert f"<title>{title}</title>" in page
    assert '<link rel="stylesheet" href="/ui/static/ui.css">' in page
    assert own_element in page
    assert "$" not in page
    assert page.rstrip().endswith("</body>\n</html>")
