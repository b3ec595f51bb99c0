"""The ledger in a browser: the office creates a task → the department's 联络员 reports progress
→ the office accepts → the public sunshine-reform page shows the progress (1366 and 375 px)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e


def _seed(app) -> int:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import operations as plans
    from consult.plans.operations import department_named

    with app.app_context():
        staff = accounts.register("ledger-office@example.gov.cn", "password123", "改革办", role="staff")
        plan = plans.create_plan(author=staff, title="数字政府建设改革方案", department="市数据局", summary="", body="第一条 推进一网通办。\n第二条 附则。", window_days=30)
        plans.publish(plan)
        liaison = accounts.register("ledger-liaison@example.gov.cn", "password123", "数据局联络员", role="department")
        liaison.department_id = department_named("市数据局").id
        db.session.commit()
        return plan.id


def _login(browser: Browser, url: str, login: str) -> Page:
    page = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{url}/account/login")
    page.get_by_label("手机号或电子邮箱").fill(login)
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    return page


def test_office_department_public(live_server, chromium_browser: Browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = live_server.url
    plan_id = _seed(live_server.app)

    office = _login(chromium_browser, url, "ledger-office@example.gov.cn")
    office.goto(f"{url}/staff/ledger/new")
    office.get_by_label("编号（可选，导入时按编号对应）").fill("2026-SZ-1")
    office.get_by_label("任务名称").fill("高频政务服务事项全程网办")
    office.get_by_label("对应的改革方案").select_option(label="数字政府建设改革方案")
    office.get_by_label("牵头单位").select_option(label="市数据局")
    office.get_by_label("责任领导").fill("分管副市长")
    office.get_by_label("完成时限").fill("2030-12-31")
    office.get_by_label("状态").select_option(label="推进中")
    office.get_by_role("button", name="保存").click()
    errors = office.locator(".error").all_inner_texts()
    assert not errors, errors
    expect(office.get_by_text("任务已建立。")).to_be_visible()
    task_url = office.url.split("#")[0]

    liaison = _login(chromium_browser, url, "ledger-liaison@example.gov.cn")
    liaison.goto(f"{url}/staff/ledger/")
    liaison.get_by_role("link", name="高频政务服务事项全程网办").click()
    liaison.get_by_label("报送期次（如“2026年11月”）").fill("2026年11月")
    liaison.get_by_label("完成进度（%）").fill("45")
    liaison.get_by_label("进展情况").fill("已上线 120 项事项，联调中。")
    liaison.get_by_role("button", name="报送", exact=True).click()
    expect(liaison.locator("#reports ~ article, article").first).to_contain_text("待审核")

    office.goto(task_url)
    expect(office.locator("article[id^=report-]").first).to_contain_text("待审核")
    office.get_by_label("说明（退回时必填）").fill("同意，请加快联调。")
    office.get_by_role("button", name="提交审核").click()
    expect(office.locator("article[id^=report-]").first).to_contain_text("已通过")
    office.get_by_role("link", name="变更记录").click()
    expect(office.locator(".ledger-history")).to_contain_text("ledger.report_submit")
    office.go_back()
    office.screenshot(path=str(tmp_path / "ledger-task-1366.png"), full_page=True)

    public = chromium_browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    public.goto(f"{url}/reforms")
    public.get_by_role("link", name="数字政府建设改革方案").click()
    expect(public.locator(".reform-task")).to_contain_text("高频政务服务事项全程网办")
    expect(public.locator('.reform-task [role="progressbar"]')).to_have_attribute("aria-valuenow", "45")
    public.screenshot(path=str(tmp_path / "reform-1366.png"), full_page=True)

    phone = chromium_browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True).new_page()
    phone.goto(f"{url}/reforms/{plan_id}")
    expect(phone.locator(".reform-task")).to_contain_text("45%")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    # The bar is drawn at its value (an inline style would be dropped by the CSP and fill the bar).
    share = phone.evaluate("(() => { const bar = document.querySelector('.reform-task .progress'); return bar.querySelector('rect').getBoundingClientRect().width / bar.getBoundingClientRect().width; })()")
    assert 0.40 < share < 0.50, share
    phone.screenshot(path=str(tmp_path / "reform-375.png"), full_page=True)
    print("screenshots:", tmp_path)
