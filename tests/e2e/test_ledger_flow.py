"""The reform ledger in a browser: the office creates a task for a department → the department's liaison
reports progress with an attachment → the office accepts → the public 阳光改革 page shows the progress.
Screenshots at 1366 and 375 px (nothing sticks out sideways on a phone)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in as _login
from tests.support.browser import screenshots as _shots

pytestmark = pytest.mark.e2e
TITLE = "推行不动产登记一窗受理"


def _seed(app) -> int:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register("ledger-office@example.gov.cn", "password123", "改革办", role="staff")
        plan = plans.create_plan(author=staff, title="不动产登记改革实施方案（征求意见稿）", department="市自然资源局", summary="",
                                 body="第一条 推行一窗受理。\n第二条 压缩办理时限。", window_days=30)
        plans.publish(plan)
        liaison = accounts.register("ledger-liaison@example.gov.cn", "password123", "联络员", role="department")
        liaison.department_id = plan.department_id
        db.session.commit()
        return plan.id






def test_office_department_public_follow_one_task(live_server, browser_page: Page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan_id = _seed(live_server.app)
    page, url, shots = browser_page, live_server.url, str(live_server.app.instance_path)

    _login(page, url, "ledger-office@example.gov.cn")
    page.goto(f"{url}/staff/ledger/new")
    page.get_by_label("任务名称").fill(TITLE)
    page.get_by_label("对应的改革方案").select_option(label="不动产登记改革实施方案（征求意见稿）")
    page.get_by_label("牵头单位").select_option(label="市自然资源局")
    page.get_by_label("开始时间").fill(date.today().isoformat())
    page.get_by_label("完成时限").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("完成时限不能早于开始时间")).to_be_visible()
    expect(page.get_by_label("任务名称")).to_have_value(TITLE)  # what was typed is kept
    page.get_by_label("完成时限").fill((date.today() + timedelta(days=90)).isoformat())
    page.get_by_label("节点（每行一个：日期 内容，如“2026-12-31 完成试点”）").fill(f"{(date.today() + timedelta(days=30)).isoformat()} 试点窗口开通")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    _shots(page, shots, "ledger-task-office")
    page.get_by_role("button", name="退出").click()

    _login(page, url, "ledger-liaison@example.gov.cn")
    page.goto(f"{url}/staff/ledger/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("报送期次（如“2026年11月”）").fill("第一期")
    page.get_by_label("进展情况").fill("试点窗口已开通，受理时间压缩到 1 个工作日。")
    page.get_by_label("完成进度（%）").fill("45")
    attachment = tmp_path / "进展说明.txt"
    attachment.write_text("试点窗口情况说明", encoding="utf-8")
    page.get_by_label("附件（PDF、Word、Excel、图片，最多 5 个，每个不超过 5 MB）").set_input_files(str(attachment))
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_text("进展已报送，等待改革办审核。")).to_be_visible()
    expect(page.get_by_role("link", name="进展说明.txt")).to_be_visible()
    _shots(page, shots, "ledger-task-department")
    page.get_by_role("button", name="退出").click()

    _login(page, url, "ledger-office@example.gov.cn")
    page.goto(f"{url}/staff/ledger/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("审核意见").select_option("accept")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("审核意见已保存。")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    page.goto(f"{url}/reforms/")
    page.get_by_role("link", name="不动产登记改革实施方案（征求意见稿）").click()
    expect(page.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    expect(page.get_by_text("完成进度 45%")).to_be_visible()
    # The bar is drawn at its value: an inline style width would be dropped by the CSP and fill the bar.
    share = page.evaluate("(() => { const bar = document.querySelector('.reform-task .progress');"
                          " return bar.querySelector('rect').getBoundingClientRect().width / bar.getBoundingClientRect().width; })()")
    assert 0.40 < share < 0.50, share
    expect(page.get_by_text("试点窗口开通")).to_be_visible()
    _shots(page, shots, "ledger-public")
    assert page.url.endswith(f"/reforms/{plan_id}")
