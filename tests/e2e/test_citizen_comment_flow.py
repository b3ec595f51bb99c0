"""A citizen registers, verifies, opens a plan, comments on a clause, supports a comment, sees counts change."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _seed(app) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register("office@example.gov.cn", "password123", "改革办", role="staff")
        body = "第一章 总则\n第一条 为了减轻基层负担，制定本规定。\n第二条 本规定适用于全市乡镇（街道）。\n第三条 督查检查考核实行年度计划管理。"
        plan = plans.create_plan(author=staff, title="基层减负若干规定（征求意见稿）", department="市委改革办", summary="减轻基层负担", body=body, window_days=30)
        plans.publish(plan)
        neighbour = accounts.register("13700000000", "password123", "老张")
        neighbour.verified_at = datetime.now(UTC)
        clause = plan.current_version.clauses[3]
        other, _ = comments.post_comment(user=neighbour, plan=plan, body="建议把年度计划向社会公开。", clause_id=clause.id)
        db.session.commit()
        return plan.id, clause.id, other.id


def test_register_verify_comment_and_support(live_server, browser_page: Page) -> None:  # type: ignore[no-untyped-def]
    plan_id, clause_id, other_id = _seed(live_server.app)
    page = browser_page
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="基层减负若干规定（征求意见稿）")).to_be_visible()
    expect(page.locator(".days-left").first).to_contain_text("还剩 30 天")

    page.get_by_role("link", name="注册").click()
    page.get_by_label("手机号或电子邮箱").fill("13912345678")
    page.get_by_label("密码（至少 8 位）").fill("my-password-1")
    page.get_by_label("确认密码").fill("my-password-1")
    page.get_by_label("公开显示的昵称（可选）").fill("小李")
    page.get_by_role("button", name="注册并获取验证码").click()
    expect(page.get_by_role("heading", name="输入验证码")).to_be_visible()
    page.get_by_label("验证码").fill(live_server.last_code())
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_text("验证成功")).to_be_visible()

    page.goto(f"{live_server.url}/plans/{plan_id}")
    count = page.locator(f'[data-clause-count="{clause_id}"]')
    expect(count).to_have_text("1")
    page.locator(f"#clause-{clause_id} a.clause-comments").click()
    expect(page).to_have_url(re.compile(f"/plans/{plan_id}/clauses/{clause_id}"))
    page.get_by_label("您的意见").fill("年度计划应当提前一个月公布，并限定检查次数。")
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_text("意见已发表")).to_be_visible()
    mine = page.locator(".comment", has_text="年度计划应当提前一个月公布")
    expect(mine.locator(".author")).to_have_text("小李")
    expect(page.locator("#clause-comment-total")).to_have_text("2")

    other = page.locator(f"#comment-{other_id}")
    expect(other.locator(".support-count")).to_have_text("0")
    other.get_by_role("button", name=re.compile("支持")).click()
    expect(other.locator(".support-count")).to_have_text("1")
    expect(other.locator(".vote-btn.support")).to_have_class(re.compile("active"))
    other.get_by_role("button", name=re.compile("反对")).click()  # change of mind
    expect(other.locator(".support-count")).to_have_text("0")
    expect(other.locator(".oppose-count")).to_have_text("1")

    page.reload()  # the counts are stored, not just drawn
    expect(page.locator(f"#comment-{other_id} .oppose-count")).to_have_text("1")
    page.goto(f"{live_server.url}/plans/{plan_id}")
    expect(page.locator(f'[data-clause-count="{clause_id}"]')).to_have_text("2")
    page.screenshot(path=str(live_server.app.instance_path) + "/plan.png", full_page=True)
