"""The API docs page renders the vendored Swagger UI in chromium under the site's CSP, at 375 px too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1366, 375])
def test_the_api_docs_page_shows_the_operations_without_csp_violations(live_server, browser_page: Page, width: int) -> None:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    browser_page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    browser_page.on("pageerror", lambda e: problems.append(str(e)))
    browser_page.set_viewport_size({"width": width, "height": 900})
    browser_page.goto(live_server.url + "/api/docs")
    expect(browser_page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15000)
    expect(browser_page.get_by_text("/api/v1/plans/{plan_id}/comments", exact=True).first).to_be_visible()
    assert browser_page.locator(".opblock").count() >= 25
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    overflow = browser_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page scrolls sideways by {overflow}px at {width}px"
