"""A citizen who forgot the password resets it with a code, in Chromium, and signs in with the new one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_forgot_password_reset_by_code_then_sign_in(live_server, browser_page: Page) -> None:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db

    with live_server.app.app_context():
        user = accounts.register("13611112222", "old-secret-7", "忘记密码的人")
        user.verified_at = datetime.now(UTC)
        db.session.commit()
    page = browser_page
    page.goto(live_server.url + "/account/login")
    page.get_by_role("link", name="忘记密码？").click()
    page.get_by_label("手机号或电子邮箱").fill("13611112222")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("如果该账号存在，验证码已发送")).to_be_visible()
    expect(page.get_by_label("手机号或电子邮箱")).to_have_value("13611112222")
    page.get_by_label("验证码").fill(live_server.last_code())
    page.get_by_label("新密码（至少 8 位）").fill("12345678")
    page.get_by_label("确认新密码").fill("12345678")
    page.get_by_role("button", name="重设密码").click()
    expect(page.get_by_text("这个密码太常见")).to_be_visible()
    expect(page.get_by_label("验证码")).not_to_have_value("")  # what was typed is kept
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(live_server.app.instance_path) + "/reset-375.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("新密码（至少 8 位）").fill("n3w-secret-pw")
    page.get_by_label("确认新密码").fill("n3w-secret-pw")
    page.get_by_role("button", name="重设密码").click()
    expect(page.get_by_text("密码已重设")).to_be_visible()
    page.get_by_label("手机号或电子邮箱").fill("13611112222")
    page.get_by_label("密码", exact=True).fill("n3w-secret-pw")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    page.screenshot(path=str(live_server.app.instance_path) + "/reset-done-1366.png", full_page=True)
