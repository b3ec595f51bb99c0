"""A refused comment comes back in the browser with the text kept and the reason beside the field (issue 15, item 3)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _seed(app) -> int:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register("keep-office@example.gov.cn", "password123", "改革办", role="staff")
        plan = plans.create_plan(author=staff, title="保留输入测试方案（征求意见稿）", department="市委改革办", summary="", body="第一条 总则。\n第二条 附则。", window_days=30)
        plans.publish(plan)
        citizen = accounts.register("keep-citizen@example.com", "password123", "小王")
        citizen.verified_at = datetime.now(UTC)
        db.session.commit()
        return plan.id


@pytest.mark.parametrize("width", [1366, 375])
def test_comment_with_markup_is_refused_beside_the_field_and_kept(live_server, browser_page: Page, width: int) -> None:  # type: ignore[no-untyped-def]
    plan_id = _plan_id(live_server.app) or _seed(live_server.app)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/account/login")
    page.get_by_label("手机号或电子邮箱").fill("keep-citizen@example.com")
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("form[action='/account/logout']")).to_be_attached()  # inside the folded menu on a phone

    page.goto(f"{live_server.url}/plans/{plan_id}")
    text = f"我认为<b>第二条</b>应当写明施行日期（{width}）。"
    page.get_by_label("您的意见").fill(text)
    page.get_by_role("button", name="提交意见").click()
    body_field = page.locator("#comment-form .field", has=page.get_by_label("您的意见"))
    expect(body_field.locator(".error")).to_contain_text("不能包含 HTML")
    expect(page.get_by_label("您的意见")).to_have_value(text)
    page.screenshot(path=f"{live_server.app.instance_path}/refused-comment-{width}.png", full_page=True)

    page.get_by_label("您的意见").fill(text.replace("<b>", "").replace("</b>", ""))
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_text("意见已发表")).to_be_visible()


def _plan_id(app) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from consult.extensions import db
    from consult.plans.models import Plan

    with app.app_context():
        return db.session.scalar(select(Plan.id).where(Plan.title == "保留输入测试方案（征求意见稿）"))
