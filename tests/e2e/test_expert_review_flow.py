"""The expert review in a browser: the office invites an expert → the expert sets a password from the welcome
link, accepts and comments on a clause → the office answers on the workbench and downloads the 专家论证 report
→ the public page shows the decision step, never the opinion. Screenshots at 1366 and 375 px."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in as _login
from tests.support.browser import screenshots as _shots

pytestmark = pytest.mark.e2e
OPINION = "第二条的适用范围过宽，建议列明不适用本规定的情形。"
PASSWORD = "Zhuanjia-2026-mima"


def _seed(app) -> tuple[int, int, str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from consult.accounts import operations as accounts
    from consult.core.models import Notification
    from consult.experts import pool
    from consult.extensions import db
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register("expert-office@example.gov.cn", "password123", "改革办", role="staff")
        body = "第一条 为了规范行政执法，制定本规定。\n第二条 本规定适用于全市各级行政机关。\n第三条 本规定自发布之日起施行。"
        plan = plans.create_plan(author=staff, title="行政执法规范若干规定（征求意见稿）", department="市司法局", summary="", body=body, window_days=30)
        plans.publish(plan)
        expert = pool.create_expert(staff, "expert-chen@example.com", pool.Profile(name="陈静", organisation="律师协会", title="律师", fields=("law",)))
        db.session.commit()
        link = db.session.scalar(select(Notification.link).where(Notification.user_id == expert.user_id))
        return plan.id, plan.current_version.clauses[1].id, link




def _logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()




def test_invite_comment_answer_report(live_server, browser_page: Page) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    plan_id, clause_id, link = _seed(live_server.app)
    page, url, shots = browser_page, live_server.url, str(live_server.app.instance_path)

    _login(page, url, "expert-office@example.gov.cn", "password123")
    page.goto(f"{url}/staff/plans/{plan_id}/experts")
    page.get_by_label("专家", exact=True).select_option(label="陈静（律师协会）")
    page.get_by_label("截止日期（YYYY-MM-DD）").fill((date.today() + timedelta(days=10)).isoformat())
    page.get_by_label("邀请说明").fill("请重点论证第二条的适用范围。")
    page.get_by_role("button", name="发送邀请").click()
    expect(page.get_by_text("已邀请 陈静 论证本方案")).to_be_visible()
    _shots(page, shots, "expert-invite")
    page.goto(f"{url}/staff/experts/")
    _shots(page, shots, "expert-pool")
    _logout(page)

    page.goto(url + link)
    page.get_by_label("设置登录密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="设置密码").click()
    expect(page.get_by_text("密码已设置，请登录")).to_be_visible()
    _login(page, url, "expert-chen@example.com", PASSWORD)
    page.get_by_role("link", name="专家工作室").click()
    page.get_by_role("link", name="方案论证：行政执法规范若干规定（征求意见稿）").click()
    page.get_by_role("button", name="接受邀请").click()
    expect(page.get_by_text("已接受邀请")).to_be_visible()
    clause = page.locator(f"#clause-{clause_id}")
    clause.get_by_text("对此条提出意见").click()
    clause.get_by_label("论证意见").fill(OPINION)
    clause.get_by_role("button", name="提交意见").click()
    expect(page.get_by_text("意见已提交")).to_be_visible()
    expect(page.locator(f"#clause-{clause_id} .my-opinion")).to_contain_text(OPINION)
    page.get_by_label("总体论证结论").fill("修改第二条后同意提交审议。")
    page.get_by_role("button", name="保存结论").click()
    expect(page.get_by_text("论证结论已保存")).to_be_visible()
    _shots(page, shots, "expert-space")
    _logout(page)

    _login(page, url, "expert-office@example.gov.cn", "password123")
    page.goto(f"{url}/staff/plans/{plan_id}/responses?filter=unanswered&source=expert")
    row = page.locator("tr", has_text=OPINION)
    expect(row).to_contain_text("专家意见")
    row.locator("input[name=comment_ids]").check()
    page.get_by_label("处理结果").select_option(label="采纳")
    page.get_by_label("答复内容").fill("已采纳，修订稿第二条列明除外情形。")
    page.get_by_role("button", name="提交答复").click()
    page.goto(f"{url}/staff/plans/{plan_id}/experts")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载专家论证报告（Word）").click()
    report = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    cells = "\n".join(c.text for t in report.tables for r in t.rows for c in r.cells)
    assert OPINION in cells and "已采纳，修订稿第二条列明除外情形。" in cells and "陈静" in cells
    assert "修改第二条后同意提交审议。" in "\n".join(p.text for p in report.paragraphs)

    page.goto(f"{url}/plans/{plan_id}")
    step = page.locator('.decision-step[data-kind="expert_review"]')
    expect(step).to_contain_text("邀请 1 位专家（法律）论证，提出论证意见 1 条")
    expect(page.get_by_text(OPINION)).to_have_count(0)
    _shots(page, shots, "expert-public-plan")


def test_an_expert_scores_a_reform_task_on_a_phone(live_server, browser_page: Page) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from consult.accounts import operations as accounts
    from consult.core.models import Department
    from consult.experts import invitations, pool
    from consult.experts.models import ExpertScore, InvitationStatus
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    app, url, shots = live_server.app, live_server.url, str(live_server.app.instance_path)
    with app.app_context():
        staff = accounts.register("score-office@example.gov.cn", "password123", "改革办", role="staff")
        department = Department(name="市场监管局（评估）")
        db.session.add(department)
        db.session.flush()
        task = ReformTask(title="企业开办一日办结", year=2026, lead_department_id=department.id, target="全流程 1 个工作日", progress=90)
        db.session.add(task)
        db.session.flush()
        expert = pool.create_expert(staff, "scorer@example.com", pool.Profile(name="刘洋", fields=("society",)))
        invitation = invitations.invite(staff, expert, task=task, message="请会诊评估", deadline=date.today() + timedelta(days=5))
        invitation.status = InvitationStatus.ACCEPTED
        db.session.commit()
        invitation_id = invitation.id
        link = pool.welcome_link(expert.user)
        db.session.commit()
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(url + link)
    page.get_by_label("设置登录密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="设置密码").click()
    _login(page, url, "scorer@example.com", PASSWORD)
    page.goto(f"{url}/expert/invitations/{invitation_id}")
    for label, value in (("目标达成度", "80"), ("改革实效", "70"), ("群众获得感", "90"), ("制度创新", "60"), ("可复制推广", "150")):
        page.get_by_label(label).fill(value)
    page.get_by_label("评估意见").fill("成效明显。")
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("“可复制推广”的分数应为 0 到 100 的整数")).to_be_visible()
    expect(page.get_by_label("评估意见")).to_have_value("成效明显。")
    page.get_by_label("可复制推广").fill("50")
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("已提交，总分 73.5")).to_be_visible()
    _shots(page, shots, "expert-score")
    with app.app_context():
        assert db.session.scalar(select(ExpertScore.total).where(ExpertScore.invitation_id == invitation_id)) == 73.5
