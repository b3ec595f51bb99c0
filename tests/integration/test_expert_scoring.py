"""会诊评估: experts score the reform tasks they are invited to; scorecards read task_expert_scores."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.conftest import login
from tests.support.experts import expert_client, make_expert, post_form

IN_A_WEEK = (date.today() + timedelta(days=7)).isoformat()
SHEET = {"goal": "80", "effect": "70", "benefit": "90", "innovation": "60", "replicable": "50"}


def _task(app, department: str = "市场监管局") -> int:  # type: ignore[no-untyped-def]
    from consult.core.models import Department
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    with app.app_context():
        dept = Department(name=department)
        db.session.add(dept)
        db.session.flush()
        task = ReformTask(title="企业开办一日办结", year=2026, lead_department_id=dept.id, target="全流程 1 个工作日", progress=80)
        db.session.add(task)
        db.session.commit()
        return task.id


def _invited(app, staff, task_id: int, name: str):  # type: ignore[no-untyped-def]
    from consult.experts.models import ExpertInvitation
    from consult.extensions import db

    expert_id, email, password = make_expert(app, staff, name=name, fields=("economy",))
    page = "/staff/experts/evaluations"
    response = post_form(staff, page, page, {"task_id": str(task_id), "expert_id": str(expert_id), "deadline": IN_A_WEEK, "message": "请评估"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        invitation_id = db.session.scalar(select(ExpertInvitation.id).where(ExpertInvitation.expert_id == expert_id))
    client = expert_client(app, email, password)
    url = f"/expert/invitations/{invitation_id}"
    assert post_form(client, url, f"{url}/respond", {"answer": "accept"}).status_code == 302
    return client, url


def test_experts_score_a_task_and_the_summary_gives_means_and_every_total(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.experts.scoring import task_expert_scores

    _, email, password = make_user(role="staff")
    staff = app.test_client()
    login(staff, email, password)
    task_id = _task(app)
    unscored = _task(app, "统计局")
    first, url = _invited(app, staff, task_id, "甲专家")
    page = first.get(url).get_data(as_text=True)
    assert "企业开办一日办结" in page and "目标达成度" in page and "权重 30%" in page
    assert post_form(first, url, f"{url}/score", {**SHEET, "comment": "成效明显"}).status_code == 302
    second, url2 = _invited(app, staff, task_id, "乙专家")
    assert post_form(second, url2, f"{url2}/score", {k: "100" for k in SHEET}).status_code == 302
    with app.app_context():
        summaries = task_expert_scores([task_id, unscored])
    summary = summaries[task_id]
    # 0.30×80 + 0.25×70 + 0.20×90 + 0.15×60 + 0.10×50 = 73.5; the other expert gave 100 everywhere.
    assert summary.count == 2 and summary.totals == [73.5, 100.0] and summary.mean_total == 86.8
    assert summary.criteria == {"goal": 90.0, "effect": 85.0, "benefit": 95.0, "innovation": 80.0, "replicable": 75.0}
    assert summaries[unscored].count == 0 and summaries[unscored].mean_total is None and summaries[unscored].totals == []
    office = staff.get("/staff/experts/evaluations").get_data(as_text=True)
    assert "平均总分 86.8" in office and "73.5" in office and "成效明显" in office
    # A revision replaces the expert's sheet; it does not add a second one.
    assert post_form(first, url, f"{url}/score", {**SHEET, "goal": "90"}).status_code == 302
    with app.app_context():
        assert task_expert_scores([task_id])[task_id].totals == [76.5, 100.0]


def test_bad_scores_are_refused_with_the_sheet_kept(app, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="staff")
    staff = app.test_client()
    login(staff, email, password)
    client, url = _invited(app, staff, _task(app), "丙专家")
    for change, message in (({"goal": "101"}, "“目标达成度”的分数应为 0 到 100 的整数"),
                            ({"effect": "七十"}, "“改革实效”的分数应为 0 到 100 的整数"),
                            ({"benefit": "-5"}, "“群众获得感”的分数应为 0 到 100 的整数"),
                            ({"replicable": ""}, "请为“可复制推广”打分")):
        response = post_form(client, url, f"{url}/score", {**SHEET, **change, "comment": "保留这段评语"})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html and "保留这段评语" in html and 'value="60"' in html, change
    plan_form = post_form(client, url, f"{url}/opinions", {"body": "不是方案"})
    assert plan_form.status_code == 409


def test_a_task_invitation_respects_conflicts_of_the_lead_department(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    _, email, password = make_user(role="staff")
    staff = app.test_client()
    login(staff, email, password)
    task_id = _task(app, "住建局")
    expert_id, _e, _p = make_expert(app, staff, name="丁专家")
    with app.app_context():
        department_id = db.session.get(ReformTask, task_id).lead_department_id
    post_form(staff, f"/staff/experts/{expert_id}", f"/staff/experts/{expert_id}/conflicts", {"department": str(department_id), "plan": ""})
    page = "/staff/experts/evaluations"
    refused = post_form(staff, page, page, {"task_id": str(task_id), "expert_id": str(expert_id), "deadline": IN_A_WEEK, "message": "评估说明乙"})
    assert refused.status_code == 409 and "住建局" in refused.get_data(as_text=True) and "评估说明乙" in refused.get_data(as_text=True)
    missing = post_form(staff, page, page, {"task_id": "", "expert_id": str(expert_id), "deadline": IN_A_WEEK})
    assert missing.status_code == 400 and "请选择要评估的改革任务" in missing.get_data(as_text=True)
