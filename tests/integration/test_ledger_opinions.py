"""转为改革任务 beyond a whole issue: one opinion from the answer workbench, and an issue whose
members are partly answered 采纳 (only those are carried out)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests.conftest import csrf_from, login


def _office(app: Flask, make_user):  # type: ignore[no-untyped-def]
    _, login_name, password = make_user(role="staff")
    client = app.test_client()
    login(client, login_name, password)
    return client


def _post(client, page: str, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_from(client.get(page).get_data(as_text=True)), **data})


def _issue(app: Flask, plan_id: int, citizen_id: int) -> tuple[str, list[int]]:
    """A finished digest whose first issue has three published opinions: 采纳, 部分采纳, 未采纳."""
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Comment, Plan
    from consult.responses.models import Response

    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        comments = [Comment(plan_id=plan_id, version_id=plan.current_version.id, body=f"建议精简办事材料（{n}）", status="published",
                            user_id=citizen_id) for n in range(3)]
        db.session.add_all(comments)
        db.session.flush()
        ids = [c.id for c in comments]
        group = {"label": "材料精简", "keywords": [], "size": 3, "share": 1.0, "representative_ids": ids[:1], "representative_texts": [],
                 "stance_counts": {}, "clause_counts": {}, "member_ids": ids}
        digest = Digest(plan_id=plan_id, number=1, status="done", result={"themes": [{**group, "issues": [group]}], "total": 3})
        db.session.add(digest)
        db.session.add_all([Response(comment_id=ids[0], plan_id=plan_id, status="adopted", text="采纳"),
                            Response(comment_id=ids[1], plan_id=plan_id, status="partly", text="部分采纳"),
                            Response(comment_id=ids[2], plan_id=plan_id, status="not_adopted", text="未采纳", reason="现行规定已明确")])
        db.session.commit()
        return "D1-T1-I1", ids


def test_only_adopted_members_of_an_issue_are_carried_out(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.ledger.models import TaskOpinion

    plan_id = make_plan()
    citizen_id, _, _ = make_user()
    ref, ids = _issue(app, plan_id, citizen_id)
    office = _office(app, make_user)
    page = f"/staff/plans/{plan_id}/to-task?cluster={ref}"
    response = _post(office, page, f"/staff/plans/{plan_id}/to-task", {"cluster": ref, "task_id": "0", "title": "精简办事材料"})
    assert response.status_code == 302
    with app.app_context():
        assert sorted(db.session.scalars(select(TaskOpinion.comment_id))) == ids[:2]


def test_one_opinion_from_the_workbench_becomes_a_task(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.ledger.models import TaskOpinion

    plan_id = make_plan()
    citizen_id, citizen_login, citizen_password = make_user()
    _, ids = _issue(app, plan_id, citizen_id)
    office = _office(app, make_user)
    workbench = office.get(f"/staff/plans/{plan_id}/responses?filter=all").get_data(as_text=True)
    assert f"/staff/plans/{plan_id}/to-task?comment={ids[2]}" in workbench
    page = f"/staff/plans/{plan_id}/to-task?comment={ids[2]}"
    assert "转入一条意见" in office.get(page).get_data(as_text=True)
    response = _post(office, page, f"/staff/plans/{plan_id}/to-task", {"comment": str(ids[2]), "task_id": "0", "title": "明确材料清单"})
    assert response.status_code == 302
    with app.app_context():
        assert list(db.session.scalars(select(TaskOpinion.comment_id))) == [ids[2]]
    other_plan = make_plan(title="另一个方案")
    refused = _post(office, page, f"/staff/plans/{other_plan}/to-task", {"comment": str(ids[1]), "task_id": "0", "title": "错方案"})
    assert refused.status_code == 404 and "不属于本方案" in refused.get_data(as_text=True)
    citizen = app.test_client()
    login(citizen, citizen_login, citizen_password)
    assert "明确材料清单" in citizen.get("/account/comments").get_data(as_text=True)


def test_task_history_lists_audited_changes_for_those_who_may_see_the_task(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Department
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    _, own_login, own_password = make_user(role="department", department="市数据局")
    _, other_login, other_password = make_user(role="department", department="市财政局")
    office = _office(app, make_user)
    with app.app_context():
        lead = db.session.scalar(select(Department.id).where(Department.name == "市数据局"))
    data = {"title": "数据共享", "code": "H-1", "year": "2026", "plan_id": "0", "parent_id": "0", "lead_department_id": str(lead),
            "status": "in_progress", "report_every_days": "30", "public": "y"}
    assert _post(office, "/staff/ledger/new", "/staff/ledger/new", data).status_code == 302
    with app.app_context():
        task_id = db.session.scalar(select(ReformTask.id).where(ReformTask.code == "H-1"))
    assert _post(office, f"/staff/ledger/{task_id}/edit", f"/staff/ledger/{task_id}/edit", {**data, "title": "数据共享与开放"}).status_code == 302
    history = office.get(f"/staff/ledger/{task_id}/history").get_data(as_text=True)
    assert "新建改革任务" in history and "修改改革任务" in history and "数据共享与开放" in history
    assert "ledger.task_create" not in history  # codes are shown as words
    own, other = app.test_client(), app.test_client()
    login(own, own_login, own_password)
    login(other, other_login, other_password)
    assert own.get(f"/staff/ledger/{task_id}/history").status_code == 200
    assert other.get(f"/staff/ledger/{task_id}/history").status_code == 404
