"""The statistics pages in Chromium at 1366 and 375 px: charts drawn, tables with headers, no sideways scrolling of the page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page

from tests.integration.stats_fixture import seed, seed_hearing, seed_suggestions
from tests.integration.survey_helpers import GOOD, make_links, make_survey

pytestmark = pytest.mark.e2e

WIDTHS = (1366, 375)


def _check(page: Page, url: str, name: str, shots: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px"
        charts = page.locator("svg.stats-chart[role=img]")
        assert charts.count() >= 5
        for k in range(charts.count()):
            box = charts.nth(k).bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 60  # drawn, and scaled to its box
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
        tables = page.locator("table.stats-table")
        assert tables.count() == charts.count()
        for k in range(tables.count()):
            assert tables.nth(k).locator("thead th[scope=col]").count() >= 2
        page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)


def _answers(app, n: int = 6) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys import answering

    survey_id = make_survey(app, department="市政务服务局")
    tokens = make_links(app, survey_id, n)
    with app.app_context():
        for k, token in enumerate(tokens):
            answering.submit_with_token(token, {**GOOD, "q_overall": [str(1 + k % 5)]})
        db.session.commit()


def test_statistics_pages_at_desktop_and_phone_width(live_server, browser_page: Page) -> None:  # type: ignore[no-untyped-def]
    ids = seed(live_server.app)
    seed_hearing(live_server.app, ids["plan"])
    seed_suggestions(live_server.app, [0.5, 2, 4, 10, 40])
    _answers(live_server.app)
    shots = os.environ.get("CONSULT_E2E_SHOTS") or live_server.app.instance_path  # a directory to look at them later
    browser_page.goto(live_server.url + "/")
    browser_page.get_by_role("link", name="数据统计").first.click()
    assert browser_page.url.endswith("/stats")
    _check(browser_page, live_server.url + "/stats", "stats-site", shots)
    browser_page.goto(f"{live_server.url}/plans/{ids['plan']}")
    browser_page.get_by_role("link", name="本方案数据统计").click()
    assert browser_page.url.endswith(f"/plans/{ids['plan']}/stats")
    assert browser_page.get_by_role("img", name="各条款意见数").count() == 1  # the chart is named by its <title>
    _check(browser_page, f"{live_server.url}/plans/{ids['plan']}/stats", "stats-plan", shots)
