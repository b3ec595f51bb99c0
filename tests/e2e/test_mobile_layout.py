"""Issue 15 item 7 at 375 px: the logged-in navigation folds behind a 菜单 button and never breaks a word per
character; staff pages fit the screen; the feedback table reads as cards; the plan's table of contents is
folded above the text (open beside it at 1366 px)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in as _login

pytestmark = pytest.mark.e2e


def _seed(app):  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans import operations as plans
    from consult.responses import operations as responses

    with app.app_context():
        staff = accounts.register("mobile-staff@example.gov.cn", "password123", "改革办工作人员", role="staff")
        body = "\n".join(f"第{n}条 这一条规定政务服务事项的第{n}项办理要求，写得足够长以便在窄屏上换行显示。" for n in "一二三四五六七八九十")
        plan = plans.create_plan(author=staff, title="关于推进“一网通办”政务服务改革的意见（征求意见稿）", department="市政务服务局", summary="九项举措。", body=body, window_days=30)
        plans.publish(plan)
        citizen = accounts.register("mobile-citizen@example.com", "password123", "小王")
        citizen.verified_at = datetime.now(UTC)
        comment, _created = comments.post_comment(user=citizen, plan=plan, body="建议保留线下窗口，老年人不会用手机。")
        db.session.flush()
        responses.respond(staff, plan, [comment.id], status="partly", text="部分采纳：保留综合窗口，并提供帮办代办服务，修订稿第三条已写入。")
        db.session.commit()
        return plan.id




def _fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1, page.url


def test_phone_layout(live_server, chromium_browser) -> None:  # type: ignore[no-untyped-def]
    app, url = live_server.app, live_server.url
    plan_id = _seed(app)
    context = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        _login(page, url, "mobile-staff@example.gov.cn")
        page.goto(f"{url}/plans/{plan_id}")
        nav = page.locator("#site-nav")
        expect(nav).to_be_hidden()
        page.get_by_role("button", name="菜单").click()
        expect(nav).to_be_visible()
        expect(page.get_by_role("button", name="菜单")).to_have_attribute("aria-expanded", "true")
        # Every link is one line high: 论坛, 退出… never split into 论/坛.
        for item in [nav.get_by_role("link", name="论坛"), nav.get_by_role("link", name="工作台"), nav.get_by_role("button", name="退出")]:
            box = item.bounding_box()
            assert box is not None and box["width"] > box["height"], box
        # The table of contents is folded above the text; the text comes first on the screen.
        toc = page.locator("details.toc")
        expect(toc).not_to_have_attribute("open", "")
        toc_box, first_clause = toc.bounding_box(), page.locator(".clause").first.bounding_box()
        assert toc_box is not None and first_clause is not None and toc_box["height"] < 100 and first_clause["y"] - (toc_box["y"] + toc_box["height"]) < 100
        _fits(page)
        for path in ("/staff/moderation/", f"/staff/plans/{plan_id}/responses", "/staff/"):
            page.goto(url + path)
            _fits(page)
        # The feedback preview: each clause row is a card and the answer column is as wide as the card.
        page.goto(f"{url}/plans/{plan_id}/feedback")
        _fits(page)
        answer = page.locator("table.stack td.stack-wide").first
        expect(answer).to_contain_text("保留综合窗口")
        box = answer.bounding_box()
        assert box is not None and box["width"] > 250, box
    finally:
        context.close()
    wide = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900})
    page = wide.new_page()
    try:
        page.goto(f"{url}/plans/{plan_id}")
        expect(page.locator("details.toc")).to_have_attribute("open", "")
        expect(page.get_by_role("button", name="菜单")).to_be_hidden()
        expect(page.locator("#site-nav")).to_be_visible()
    finally:
        wide.close()
