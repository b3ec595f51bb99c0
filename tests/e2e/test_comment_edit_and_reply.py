"""Issue 15 item 6 in a browser: a citizen edits and withdraws their own comment, another replies to a
comment, the first author finds the reply in the inbox, and "my comments" shows each comment's state."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in as _login

pytestmark = pytest.mark.e2e


def _seed(app):  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register("edit-staff@example.gov.cn", "password123", "改革办", role="staff")
        plan = plans.create_plan(author=staff, title="社区养老服务提升方案（征求意见稿）", department="市民政局", summary="", body="第一条 建设社区食堂。\n第二条 发展居家养老。", window_days=30)
        plans.publish(plan)
        for login_name, name in (("edit-a@example.com", "老张"), ("edit-b@example.com", "小李")):
            person = accounts.register(login_name, "password123", name)
            person.verified_at = datetime.now(UTC)
        db.session.commit()
        return plan.id




def test_edit_withdraw_reply_and_my_comments(live_server, browser_page: Page, chromium_browser) -> None:  # type: ignore[no-untyped-def]
    app, url = live_server.app, live_server.url
    plan_id = _seed(app)
    author = browser_page
    _login(author, url, "edit-a@example.com")
    author.goto(f"{url}/plans/{plan_id}")
    author.get_by_label("您的意见").fill("建议社区食堂对八十岁以上老人免费。")
    author.get_by_role("button", name="提交意见").click()
    expect(author.get_by_text("意见已发表")).to_be_visible()
    first = author.locator(".comments > .comment").first
    first.get_by_text("修改", exact=True).click()
    first.get_by_label("修改后的意见").fill("建议社区食堂对七十岁以上老人半价、八十岁以上免费。")
    first.get_by_role("button", name="保存修改").click()
    expect(author.get_by_text("意见已修改。")).to_be_visible()
    expect(author.locator(".comments > .comment").first).to_contain_text("七十岁以上老人半价")
    expect(author.locator(".comments > .comment .edited").first).to_be_visible()
    # A second opinion, withdrawn again after a confirmation.
    author.get_by_label("您的意见").fill("这条我想撤回。")
    author.get_by_role("button", name="提交意见").click()
    expect(author.get_by_text("意见已发表")).to_be_visible()
    author.once("dialog", lambda dialog: dialog.accept())
    author.locator(".comments > .comment", has_text="这条我想撤回").get_by_role("button", name="撤回").click()
    expect(author.get_by_text("意见已撤回。")).to_be_visible()
    expect(author.locator(".comments")).not_to_contain_text("这条我想撤回")
    expect(author.locator(".badge.withdrawn")).to_be_visible()

    # Another citizen replies to the edited comment.
    context = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    other = context.new_page()
    try:
        _login(other, url, "edit-b@example.com")
        other.goto(f"{url}/plans/{plan_id}")
        target = other.locator(".comments > .comment", has_text="七十岁以上老人半价")
        target.locator("summary", has_text="回复").click()
        target.get_by_label("回复这条意见").fill("赞同，还可以给独居老人送餐。")
        target.get_by_role("button", name="发表回复").click()
        expect(other.get_by_text("意见已发表")).to_be_visible()
        expect(other.locator(".replies .reply")).to_contain_text("给独居老人送餐")
    finally:
        context.close()

    # The first author hears of the reply in the inbox and follows it to the thread.
    author.goto(f"{url}/account/notifications")
    author.get_by_role("link", name=re.compile("有人回复了您在《社区养老服务提升方案")).click()
    expect(author.locator(".replies")).to_contain_text("给独居老人送餐")
    # "My comments": plan, clause, status; the withdrawn one says so.
    author.goto(f"{url}/account/comments")
    mine = author.locator(".comments.mine")
    expect(mine).to_contain_text("社区养老服务提升方案")
    expect(mine).to_contain_text("条款：整个方案")
    expect(mine).to_contain_text("已公开")
    expect(mine).to_contain_text("已撤回")
    expect(mine).to_contain_text("尚未答复")
