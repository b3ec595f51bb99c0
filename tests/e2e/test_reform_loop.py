"""The reform loop in a browser, office → department → expert → evaluator → public: a reform task that
carries out an adopted opinion, the department's accepted progress, an expert's scoring sheet, a
third-party evaluation (imported from a file and filled in by the evaluator), the office's review and
publication, and the scorecards each account may see. Screenshots at 1366 and 375 px."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in
from tests.support.browser import screenshots as _shots

pytestmark = pytest.mark.e2e
PASSWORD = "password123"
OPINION = "开办企业还要在几个部门之间来回跑，希望全程网上办、一天拿到执照。"
TASK = "企业开办“一网通办”改革"


def _seed(app) -> dict:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.core.models import Department
    from consult.core.security.hashing import hash_secret
    from consult.digests.models import Digest
    from consult.evaluation.models import Indicator
    from consult.experts import pool
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans import operations as plans
    from consult.responses.models import Response
    from consult.surveys.building import local_day
    from worker.analysis.pipeline import DigestResult, Issue, Theme

    with app.app_context():
        today = local_day()
        office = accounts.register("loop-office@example.gov.cn", PASSWORD, "改革办", role="staff")
        plan = plans.create_plan(author=office, title="优化营商环境若干措施", department="市发改委", summary="", body="第一条 企业开办压缩至一个工作日。\n第二条 加强事中事后监管。", window_days=30)
        plans.publish(plan)
        department = db.session.query(Department).filter_by(name="市发改委").one()
        liaison = accounts.register("loop-dept@example.gov.cn", PASSWORD, "发改委联络员", role="department")
        liaison.department_id = department.id
        evaluator = accounts.register("loop-eval@example.com", PASSWORD, "社会调查中心", role="evaluator")
        citizens = [accounts.register(f"1397777{i:04d}", PASSWORD, f"市民{i}") for i in range(4)]
        for person in citizens:
            person.verified_at = datetime.now(UTC)
        for user in (office, liaison, evaluator):
            user.verified_at = datetime.now(UTC)
        posted = [comments.post_comment(user=p, plan=plan, body=OPINION if i == 0 else f"建议压缩企业开办时间（{i}）")[0] for i, p in enumerate(citizens)]
        db.session.flush()
        for i, comment in enumerate(posted):  # the adopted cluster, answered (3 adopted, 1 not)
            db.session.add(Response(comment_id=comment.id, plan_id=plan.id, status="not_adopted" if i == 3 else "adopted", text="采纳", cluster_ref="D1-T1-I1"))
        ids = [c.id for c in posted]
        group = {"label": "企业开办", "keywords": ["企业开办"], "size": len(ids), "share": 1.0, "representative_ids": ids[:1], "representative_texts": [OPINION],
                 "stance_counts": {}, "clause_counts": {}, "member_ids": ids}
        result = DigestResult(themes=[Theme(**group, issues=[Issue(**group)])], assignments={i: (0, 0) for i in ids}).to_dict()
        digest = Digest(plan_id=plan.id, number=1, status="done", last_comment_id=ids[-1], comment_count=len(ids), result=result, finished_at=datetime.now(UTC))
        db.session.add(digest)
        for name, kind, weight in (("任务进度", "task_progress", 30), ("按期完成", "timeliness", 20), ("意见采纳", "adoption", 20), ("专家评估", "expert", 15), ("第三方评估", "third_party", 15)):
            db.session.add(Indicator(year=today.year, name=name, kind=kind, weight=weight, direction="higher", description=""))
        expert = pool.create_expert(office, "loop-expert@example.com", pool.Profile(name="李教授", organisation="市委党校", title="教授", fields=("economy",)))
        expert.user.password_hash = hash_secret(PASSWORD)
        db.session.commit()
        return {"digest": digest.id, "plan": plan.id, "department": department.id, "year": today.year, "deadline": (today + timedelta(days=30)).isoformat()}




def _logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()




def _login(page: Page, url: str, login: str) -> None:
    log_in(page, url, login, PASSWORD)


def test_office_department_expert_evaluator_public(live_server, browser_page: Page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app, url, page = live_server.app, live_server.url, browser_page
    ids = _seed(app)
    shots = str(app.instance_path)

    # 1. The office turns the adopted cluster into a reform task (转为改革任务), sees it on the ranking, invites
    #    an expert to score it, assigns and imports third-party evaluations.
    _login(page, url, "loop-office@example.gov.cn")
    page.goto(f"{url}/staff/plans/{ids['plan']}/to-task?cluster=D1-T1-I1")
    page.get_by_label("或新建任务，名称").fill(TASK)
    page.get_by_role("button", name="转为改革任务").click()
    expect(page.get_by_text("条意见已转入改革任务")).to_be_visible()  # the adopted opinions of the cluster
    _shots(page, shots, "loop-office-task")
    ids["task"] = int(page.url.split("/staff/ledger/")[1].split("#")[0].split("?")[0])
    page.get_by_role("link", name="绩效考核").click()
    expect(page.locator("#task-ranking")).to_contain_text(TASK)
    page.goto(f"{url}/staff/experts/evaluations")
    page.get_by_label("改革任务").select_option(value=str(ids["task"]))
    page.get_by_label("专家", exact=True).select_option(label="李教授（市委党校）")  # other tests' experts share the server
    page.get_by_label("截止日期（YYYY-MM-DD）").fill((datetime.now(UTC) + timedelta(days=10)).date().isoformat())
    page.get_by_role("button", name="发送邀请").click()
    expect(page.get_by_text("已邀请 李教授 评估该改革任务")).to_be_visible()
    page.goto(f"{url}/staff/evaluation/third-party")
    page.get_by_label("评估机构").fill("某大学社会调查中心")
    page.get_by_label("评估方账号").select_option(label="社会调查中心")
    page.get_by_label("要评估的改革任务").select_option(value=str(ids["task"]))
    page.get_by_role("button", name="委托").click()
    expect(page.get_by_text("已委托第三方评估")).to_be_visible()
    csv = tmp_path / "第三方评估.csv"
    csv.write_text("评估机构,年度,对象类型,部门,评估方法,样本量,得分,评价分布\n"
                   f"市统计调查队,{ids['year']},部门,市发改委,企业问卷,180,74,满意:110；基本满意:40；不满意:30\n", encoding="utf-8")
    page.get_by_label("CSV 或 XLSX 文件").set_input_files(str(csv))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("已导入 1 项第三方评估")).to_be_visible()
    _shots(page, shots, "loop-office-third-party")
    _logout(page)

    # 2. The department reports progress on its task; the office accepts the report.
    _login(page, url, "loop-dept@example.gov.cn")
    page.goto(f"{url}/staff/ledger/{ids['task']}")
    page.get_by_label("报送期次（如“2026年11月”）").fill("本月")
    page.get_by_label("完成进度（%）").fill("70")
    page.get_by_label("进展情况").fill("企业开办全程网办上线，平均 0.8 个工作日办结。")
    page.get_by_role("button", name="报送").click()
    _shots(page, shots, "loop-department-report")
    _logout(page)
    _login(page, url, "loop-office@example.gov.cn")
    page.goto(f"{url}/staff/ledger/{ids['task']}")
    page.get_by_label("审核意见").select_option("accept")
    page.get_by_role("button", name="提交审核").click()
    _logout(page)

    # The department finds its own scorecard: its task, progress accepted at 70 %, adoption 3 / 4.
    _login(page, url, "loop-dept@example.gov.cn")
    page.get_by_role("link", name="绩效考核").click()
    expect(page.locator("h1")).to_contain_text("市发改委")
    page.get_by_role("link", name=TASK).click()
    card = page.locator(".scorecard-table")
    expect(card.locator("tr", has_text="任务进度")).to_contain_text("70.0")
    expect(card.locator("tr", has_text="意见采纳")).to_contain_text("75.0")
    expect(card.locator("tr", has_text="专家评估")).to_contain_text("无数据")
    _shots(page, shots, "loop-department-card")
    _logout(page)

    # 3. The expert accepts and fills in the scoring sheet.
    _login(page, url, "loop-expert@example.com")
    page.get_by_role("link", name="专家工作室").click()
    page.get_by_role("link", name=f"成效评估：{TASK}").click()
    page.get_by_role("button", name="接受邀请").click()
    for label, score in (("目标达成度", "90"), ("改革实效", "85"), ("群众获得感", "80"), ("制度创新", "80"), ("可复制推广", "90")):
        page.get_by_label(label).fill(score)
    page.get_by_label("评估意见").fill("企业开办时间明显压缩。")
    page.get_by_role("button", name="提交评分").click()
    _shots(page, shots, "loop-expert-sheet")
    _logout(page)

    # 4. The evaluator sees only its own assignment, fills it in and submits it.
    _login(page, url, "loop-eval@example.com")
    page.get_by_role("link", name="我的评估").click()
    page.get_by_role("link", name=TASK).click()
    page.get_by_label("评估方法").fill("入户问卷")
    page.get_by_label("样本量").fill("400")
    page.get_by_label("得分（0-100）").fill("86")
    page.get_by_label("评价分布").fill("满意:300；基本满意:70；不满意:30")
    page.get_by_role("button", name="提交办公室审核").click()
    expect(page.get_by_role("status")).to_contain_text("已提交，等待办公室审核")
    _shots(page, shots, "loop-evaluator")
    _logout(page)

    # 5. The office accepts both evaluations and publishes the year; the task's card now has every indicator.
    _login(page, url, "loop-office@example.gov.cn")
    page.goto(f"{url}/staff/evaluation/third-party")
    for organisation in ("某大学社会调查中心", "市统计调查队"):
        page.get_by_role("link", name=organisation).click()
        page.get_by_label("采信，计入考核").check()
        page.get_by_role("button", name="保存审核结果").click()
        expect(page.get_by_text("审核结果已保存")).to_be_visible()
    page.goto(f"{url}/staff/evaluation/?year={ids['year']}")
    page.get_by_role("button", name="在阳光改革页面公布本年度结果").click()
    expect(page.get_by_text("已公布考核结果")).to_be_visible()
    _shots(page, shots, "loop-office-ranking")
    page.goto(f"{url}/staff/evaluation/tasks/{ids['task']}")
    card = page.locator(".scorecard-table")
    expect(card.locator("tr", has_text="专家评估")).to_contain_text("85.2")  # 0.3×90 + 0.25×85 + 0.2×80 + 0.15×80 + 0.1×90 = 85.25
    expect(card.locator("tr", has_text="第三方评估")).to_contain_text("86.0")
    _shots(page, shots, "loop-task-card")
    _logout(page)

    # 6. The public: the sunshine-reform page shows the task, its progress and the published evaluation.
    _public(page, url, ids, shots)


def _public(page: Page, url: str, ids: dict, shots: str) -> None:
    """Anonymous: the sunshine-reform page shows the task, its progress and its published evaluation."""
    page.goto(f"{url}/reforms/")
    page.get_by_role("link", name="优化营商环境若干措施").first.click()
    expect(page.locator("article.reform-task", has_text=TASK)).to_contain_text("完成进度 70%")
    results = page.locator(".public-evaluation")
    expect(results).to_contain_text(TASK)
    expect(results.locator(".public-scores li", has_text="任务进度")).to_contain_text("70.0")
    expect(results.locator(".public-scores li", has_text="按期完成")).to_contain_text("无数据")
    expect(results).to_contain_text("第三方评估：某大学社会调查中心")
    expect(results).not_to_contain_text("市统计调查队")  # a department's evaluation is not this task's
    expect(page.get_by_text("企业开办时间明显压缩")).to_have_count(0)  # the expert's sheet stays with the office
    results.scroll_into_view_if_needed()
    _shots(page, shots, "loop-public")
