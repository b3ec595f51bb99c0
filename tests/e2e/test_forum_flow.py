"""A citizen starts a thread on a plan's board; another citizen replies; the first sees the reply."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _seed(app) -> int:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register("forum-office@example.gov.cn", "password123", "改革办", role="staff")
        body = "第一条 为了推进政务公开，制定本办法。\n第二条 政务信息应当主动公开。"
        plan = plans.create_plan(author=staff, title="政务公开实施办法（征求意见稿）", department="市政府办公室", summary="", body=body, window_days=30)
        plans.publish(plan)
        for login, name in (("forum-a@example.com", "老王"), ("forum-b@example.com", "小赵")):
            person = accounts.register(login, "password123", name)
            person.verified_at = datetime.now(UTC)
        db.session.commit()
        return plan.id


def _login(page: Page, base: str, login: str) -> None:
    page.goto(base + "/account/login")
    page.get_by_label("手机号或电子邮箱").fill(login)
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def test_citizen_starts_a_thread_and_sees_another_citizens_reply(live_server, browser_page: Page, chromium_browser) -> None:  # type: ignore[no-untyped-def]
    plan_id = _seed(live_server.app)
    base = live_server.url
    first = browser_page
    _login(first, base, "forum-a@example.com")
    first.goto(f"{base}/plans/{plan_id}")
    first.get_by_role("link", name="进入本方案讨论区").click()
    expect(first.get_by_role("heading", name=re.compile("政务公开实施办法"))).to_be_visible()
    first.get_by_label("标题").fill("主动公开的范围应当列清单")
    first.get_by_label("内容", exact=True).fill("建议把主动公开的事项列成清单，每年更新一次。")
    first.get_by_role("button", name="发表主题").click()
    expect(first.get_by_text("主题已发表")).to_be_visible()
    expect(first.locator("h1.thread-title")).to_have_text("主动公开的范围应当列清单")
    thread_url = first.url.split("#")[0]

    context = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        second = context.new_page()
        _login(second, base, "forum-b@example.com")
        second.goto(f"{base}/forums/")
        second.get_by_role("link", name="政务公开实施办法（征求意见稿）").click()
        second.get_by_role("link", name="主动公开的范围应当列清单").click()
        expect(second.get_by_text("建议把主动公开的事项列成清单")).to_be_visible()
        second.locator("#reply-form").get_by_label("回复内容").fill("赞成，清单还应当标明公开时限。")
        second.locator("#reply-form").get_by_role("button", name="发表回复").click()
        expect(second.get_by_text("回复已发表")).to_be_visible()
        # Support the opener: the count goes up once and the button is then disabled.
        opener = second.locator(".post").first
        opener.get_by_role("button", name=re.compile("支持")).click()
        expect(second.locator(".post").first.locator(".support-count")).to_have_text("1")
        expect(second.locator(".post").first.get_by_role("button", name=re.compile("支持"))).to_be_disabled()
    finally:
        context.close()

    first.goto(thread_url)
    reply = first.locator(".post", has_text="赞成，清单还应当标明公开时限。")
    expect(reply).to_be_visible()
    expect(reply.locator(".author")).to_have_text("小赵")
    expect(first.locator(".post").first.locator(".support-count")).to_have_text("1")
    # The first citizen answers that reply in place (one level of nesting).
    reply.locator("summary", has_text="回复此楼").click()
    reply.get_by_label("回复内容").fill("好主意，我补充进清单。")
    reply.get_by_role("button", name="发表回复").click()
    expect(first.locator(".post.nested", has_text="好主意，我补充进清单。")).to_be_visible()
    first.goto(f"{base}/forums/plans/{plan_id}")
    expect(first.locator(".thread-row .reply-count").first).to_have_text("2")
