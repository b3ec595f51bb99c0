"""A citizen applies to a hearing in the browser, staff run the public lottery, the result page
shows the seed and the selected list (and the citizen's own public id among the applicants)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _seed(app) -> int:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.hearings import operations as hearings
    from consult.plans import operations as plans
    from worker.analysis.lottery import Quota

    now = datetime.now(UTC)
    with app.app_context():
        staff = accounts.register("hearing-staff@example.gov.cn", "password123", "改革办", role="staff")
        plan = plans.create_plan(author=staff, title="供水价格调整方案（征求意见稿）", department="市发展改革委", summary="", body="第一条 阶梯水价。\n第二条 低保户减免。", window_days=30)
        plans.publish(plan)
        data = hearings.ScheduleInput(title="供水价格调整听证会", starts_at=now + timedelta(days=20), registration_opens_at=now - timedelta(hours=1), registration_closes_at=now + timedelta(days=1), capacity=3, place="市政府第三会议室", groups=("居民", "企业"), quotas=(Quota(seats=1, stance="oppose"),))
        hearing = hearings.schedule(staff, plan, data)
        db.session.commit()
        for i in range(5):
            person = accounts.register(f"13500000{i:03d}", "password123", f"居民{i}")
            person.verified_at = now
            db.session.commit()
            hearings.seat_transaction(hearing.id, lambda locked, p=person, i=i: hearings.apply(locked, p, stance="support" if i % 2 else "other", group="居民", statement=f"第{i}位居民的发言要点"))
        citizen = accounts.register("13800138000", "password123", "老王")
        citizen.verified_at = now
        db.session.commit()
        return hearing.id


def _login(page: Page, url: str, login: str) -> None:
    page.goto(url + "/account/login")
    page.get_by_label("手机号或电子邮箱").fill(login)
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()


def test_citizen_applies_staff_draw_and_the_result_shows_seed_and_selection(live_server, browser_page: Page) -> None:  # type: ignore[no-untyped-def]
    hearing_id = _seed(live_server.app)
    page = browser_page
    _login(page, live_server.url, "13800138000")
    page.goto(live_server.url + "/hearings/")
    page.get_by_role("link", name="供水价格调整听证会").click()
    page.get_by_label("反对").check()
    page.get_by_label("您所属的利益群体").select_option("居民")
    page.get_by_label("发言要点（500 字以内）").fill("反对取消低保户减免，建议保留每月5吨免费水量。")
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_text("报名成功")).to_be_visible()
    public_id = page.locator(".my-application code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{6}", public_id)

    from consult.extensions import db
    from consult.hearings.models import Hearing

    with live_server.app.app_context():  # registration closes
        db.session.get(Hearing, hearing_id).registration_closes_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()

    page.get_by_role("button", name="退出").click()
    _login(page, live_server.url, "hearing-staff@example.gov.cn")
    page.goto(f"{live_server.url}/staff/hearings/{hearing_id}")
    page.get_by_label(re.compile("公开随机数")).fill("福彩3D 2026321期 718")
    page.get_by_role("button", name="抽签").click()

    expect(page).to_have_url(re.compile(f"/hearings/{hearing_id}/draw$"))
    expect(page.get_by_text("抽签完成")).to_be_visible()
    seed = page.locator("#seed-value")
    expect(seed).to_contain_text(":福彩3D 2026321期 718")
    expect(page.locator("#selected li")).to_have_count(3)
    expect(page.locator("#waiting li")).to_have_count(3)
    expect(page.locator("#applicants tbody tr")).to_have_count(6)
    # The only opponent fills the seat reserved for opposing views.
    expect(page.locator("#selected")).to_contain_text(public_id)
    page.screenshot(path=str(live_server.app.instance_path) + "/hearing-draw.png", full_page=True)
