"""In a real browser: a comment with a disguised sensitive word is held, staff reject it in bulk with a
reason, the author sees the unread badge, the notification and the reason on "my comments"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _seed(app) -> int:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.moderation import operations as moderation
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register("moderator@example.gov.cn", "password123", "审核员", role="staff")
        plan = plans.create_plan(author=staff, title="社区治理办法（征求意见稿）", department="市民政局", summary="", body="第一条 总则。\n第二条 附则。", window_days=30)
        plans.publish(plan)
        author = accounts.register("author-e2e@example.com", "password123", "作者")
        author.verified_at = datetime.now(UTC)
        moderation.add_words("违禁词", staff)
        db.session.commit()
        return plan.id


def _login(page: Page, url: str, login: str) -> None:
    page.goto(url + "/account/login")
    page.get_by_label("手机号或电子邮箱").fill(login)
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()


def _logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()


def test_held_comment_rejected_in_bulk_and_author_told(live_server, browser_page: Page) -> None:  # type: ignore[no-untyped-def]
    plan_id = _seed(live_server.app)
    page = browser_page
    _login(page, live_server.url, "author-e2e@example.com")
    page.goto(f"{live_server.url}/plans/{plan_id}")
    page.get_by_label("您的意见").fill("这里写了違 禁\u200b詞，看看能否躲过审核。")
    page.get_by_role("button", name="提交意见").click()
    expect(page.locator(".badge.pending").first).to_contain_text("内容含需人工复核的词语")
    _logout(page)

    _login(page, live_server.url, "moderator@example.gov.cn")
    page.goto(f"{live_server.url}/staff/moderation/")
    page.get_by_label("状态").select_option("word")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("table.queue")).to_contain_text("命中敏感词：违禁词")
    page.get_by_label("全选本页").check()  # static/js/site.js ticks every row
    expect(page.locator("input[name=ids]").first).to_be_checked()
    page.get_by_role("radio", name="不予通过").check()
    page.get_by_label("理由（不予通过时必填，会告知作者）").fill("请勿使用不文明用语")
    page.get_by_role("button", name="对所选意见执行").click()
    expect(page.get_by_text("已审核 1 条意见")).to_be_visible()
    _logout(page)

    _login(page, live_server.url, "author-e2e@example.com")
    expect(page.locator(".inbox-link .unread-count")).to_have_text("1")
    page.locator(".inbox-link").click()
    expect(page.locator(".notifications")).to_contain_text("未通过审核")
    expect(page.locator(".notifications")).to_contain_text("理由：请勿使用不文明用语")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".inbox-link .unread-count")).to_have_count(0)
    page.get_by_role("link", name="我的意见").first.click()
    expect(page.locator(".comment-status")).to_have_text("未通过审核")
    expect(page.locator(".reject-reason")).to_contain_text("请勿使用不文明用语")
