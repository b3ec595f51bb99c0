"""Staff build a survey in the browser: add a question with the builder buttons, save, preview with
skip logic working, publish."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_build_preview_and_publish(live_server, browser_page: Page) -> None:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db

    with live_server.app.app_context():
        accounts.register("builder@example.gov.cn", "password123", "改革办", role="staff")
        db.session.commit()
    page = browser_page
    page.goto(live_server.url + "/account/login")
    page.get_by_label("手机号或电子邮箱").fill("builder@example.gov.cn")
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/staff/surveys/new")
    page.get_by_label("问卷标题").fill("社保窗口服务评价")
    page.get_by_label("被评价部门").fill("市人社局")
    page.get_by_role("button", name="单选", exact=True).click()
    expect(page.locator(".builder-status")).to_contain_text("已添加")
    assert '"title": "单选题"' in page.get_by_label("题目定义（JSON）").input_value()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("问卷草稿已保存")).to_be_visible()

    page.get_by_role("link", name="预览").click()
    expect(page.get_by_text("预览：这是受访者看到的样子")).to_be_visible()
    expect(page.get_by_text("单选题")).to_be_visible()
    expect(page.get_by_role("button", name="提交答卷")).to_have_count(0)
    why = page.locator("fieldset[data-key='why_not']")
    expect(why).to_have_count(1)
    expect(why).to_be_hidden()
    page.get_by_label("没有办成").check()
    expect(why).to_be_visible()

    page.go_back()
    page.get_by_role("button", name="发布问卷").click()
    expect(page.get_by_text("已发布第 1 版")).to_be_visible()
    expect(page.get_by_text("生成一次性邀请链接")).to_be_visible()
