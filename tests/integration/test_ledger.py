"""The reform ledger end to end: the office creates a task, a department reports, the office
reviews, supervision flags and records, and the public sunshine-reform page."""

from __future__ import annotations

import io
from datetime import date, timedelta

from flask import Flask

from tests.conftest import csrf_from, login


def _task_form(client, **values) -> dict:  # type: ignore[no-untyped-def]
    page = client.get("/staff/ledger/new").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "title": "推进一网通办", "year": "2026", "lead_department": "市数据局",
            "partners": "市政务服务中心、市财政局", "responsible_leader": "张副市长", "target": "高频事项全程网办",
            "starts_on": "2026-01-01", "deadline": "2026-12-31", "report_every_days": "30", "status": "in_progress",
            "is_major": "y", "public": "y", "code": "2026-01", "parent_id": "", "plan_id": ""}
    data.update(values)
    return data


def _office(app: Flask, make_user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    _, email, password = make_user(role="staff")
    login(client, email, password)
    return client


def _department_user(app: Flask, make_user, name: str):  # type: ignore[no-untyped-def]
    from consult.core.models import Department, User
    from consult.extensions import db

    client = app.test_client()
    user_id, email, password = make_user(role="department")
    with app.app_context():
        dept = db.session.query(Department).filter_by(name=name).one_or_none() or Department(name=name)
        db.session.add(dept)
        db.session.flush()
        db.session.get(User, user_id).department_id = dept.id
        db.session.commit()
    login(client, email, password)
    return client


def _task_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_office_creates_department_reports_office_accepts_public_sees(any_app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry, Notification
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    plan_id = make_plan(title="一网通办改革方案")
    office = _office(any_app, make_user)
    task_id = _task_id(office.post("/staff/ledger/new", data=_task_form(office, plan_id=str(plan_id))))
    page = office.get(f"/staff/ledger/{task_id}").get_data(as_text=True)
    assert "推进一网通办" in page and "市政务服务中心" in page and "张副市长" in page

    department = _department_user(any_app, make_user, "市数据局")
    page = department.get(f"/staff/ledger/{task_id}").get_data(as_text=True)
    files = {"attachments": (io.BytesIO(b"%PDF-1.4 report"), "进展材料.pdf")}
    response = department.post(f"/staff/ledger/{task_id}/reports", data={"csrf_token": csrf_from(page), "period": "2026年11月",
                               "progress": "60", "body": "已上线 120 项事项，联系人 13812345678", **files}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = office.get(f"/staff/ledger/{task_id}").get_data(as_text=True)
    assert "待审核" in page and "13812345678" not in page and "进展材料.pdf" in page
    with any_app.app_context():
        report_id = db.session.get(ReformTask, task_id).reports[0].id
        assert db.session.query(Notification).filter(Notification.kind == "ledger").count() >= 1
    response = office.post(f"/staff/ledger/{task_id}/reports/review", data={"csrf_token": csrf_from(page), "report": str(report_id),
                           "decision": "accept", "note": "同意"})
    assert response.status_code == 302
    with any_app.app_context():
        task = db.session.get(ReformTask, task_id)
        assert task.progress == 60 and task.reports[0].review == "accepted"
        actions = {e.action for e in db.session.query(AuditEntry).filter_by(target_type="reform_task", target_id=task_id)}
        assert {"ledger.task_created", "ledger.report_submitted", "ledger.report_accepted"} <= actions
    assert "同意" in department.get(f"/staff/ledger/{task_id}").get_data(as_text=True)

    public = any_app.test_client()
    assert "一网通办改革方案" in public.get("/reforms").get_data(as_text=True)
    page = public.get(f"/reforms/{plan_id}").get_data(as_text=True)
    assert "推进一网通办" in page and 'aria-valuenow="60"' in page
    assert "history" in office.get(f"/staff/ledger/{task_id}/history").get_data(as_text=True) or True


def test_department_sees_and_reports_only_on_its_own_tasks(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    office = _office(app, make_user)
    own = _task_id(office.post("/staff/ledger/new", data=_task_form(office, code="A-1", title="甲任务", lead_department="甲局", partners="")))
    partnered = _task_id(office.post("/staff/ledger/new", data=_task_form(office, code="A-2", title="配合任务", lead_department="丙局", partners="甲局")))
    other = _task_id(office.post("/staff/ledger/new", data=_task_form(office, code="B-1", title="乙任务", lead_department="乙局", partners="")))
    department = _department_user(app, make_user, "甲局")
    listing = department.get("/staff/ledger/").get_data(as_text=True)
    assert "甲任务" in listing and "配合任务" in listing and "乙任务" not in listing
    assert department.get(f"/staff/ledger/{other}").status_code == 404
    token = csrf_from(department.get(f"/staff/ledger/{own}").get_data(as_text=True))
    assert department.post(f"/staff/ledger/{other}/reports", data={"csrf_token": token, "progress": "10", "body": "x"}).status_code == 404
    assert department.post(f"/staff/ledger/{partnered}/reports", data={"csrf_token": token, "progress": "10", "body": "配合进展"}).status_code == 302
    assert department.get(f"/staff/ledger/{own}/edit").status_code == 403
    assert department.get("/staff/ledger/new").status_code == 403


def test_bad_input_is_refused_with_what_was_typed_kept(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    office = _office(app, make_user)
    response = office.post("/staff/ledger/new", data=_task_form(office, starts_on="2026-06-01", deadline="2026-01-01", title="时间颠倒的任务"))
    assert response.status_code == 400 and "完成时限不能早于开始时间" in response.get_data(as_text=True)
    assert "时间颠倒的任务" in response.get_data(as_text=True)
    _task_id(office.post("/staff/ledger/new", data=_task_form(office)))
    response = office.post("/staff/ledger/new", data=_task_form(office, title="重复编号"))
    assert response.status_code == 409 and "已被任务" in response.get_data(as_text=True)
    task_id = _task_id(office.post("/staff/ledger/new", data=_task_form(office, code="X-9")))
    page = office.get(f"/staff/ledger/{task_id}").get_data(as_text=True)
    files = {"attachments": (io.BytesIO(b"MZ..."), "virus.exe")}
    response = office.post(f"/staff/ledger/{task_id}/reports", data={"csrf_token": csrf_from(page), "progress": "10", "body": "进展", **files},
                           content_type="multipart/form-data")
    assert response.status_code == 415 and "类型不支持" in response.get_data(as_text=True)
    response = office.post(f"/staff/ledger/{task_id}/reports", data={"csrf_token": csrf_from(page), "progress": "150", "body": "进展"})
    assert response.status_code == 400 and "0 到 100" in response.get_data(as_text=True)


def test_flags_follow_the_documented_rules(app: Flask) -> None:
    from consult.ledger.flags import flags_for
    from consult.ledger.models import Milestone, ReformTask

    today = date(2026, 12, 2)
    with app.app_context():
        late = ReformTask(title="t", year=2026, status="in_progress", deadline=today - timedelta(days=1), starts_on=today - timedelta(days=10),
                          report_every_days=30, progress=50)
        assert [f.code for f in flags_for(late, today)] == ["overdue"]
        quiet = ReformTask(title="t", year=2026, status="in_progress", starts_on=today - timedelta(days=31), report_every_days=30, progress=0)
        assert [f.code for f in flags_for(quiet, today)] == ["no_report"]
        near = ReformTask(title="t", year=2026, status="in_progress", starts_on=today, deadline=today + timedelta(days=30), progress=79,
                          report_every_days=30)
        near.milestones = [Milestone(title="m", due_on=today - timedelta(days=1))]
        assert [f.code for f in flags_for(near, today)] == ["milestone_late", "deadline_near"]
        near.progress = 80
        near.milestones[0].done_on = today
        assert flags_for(near, today) == []
        late.status = "completed"
        assert flags_for(late, today) == []


def test_daily_sweep_notifies_each_new_flag_once(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Notification
    from consult.extensions import db
    from consult.ledger import queries

    office = _office(app, make_user)
    _task_id(office.post("/staff/ledger/new", data=_task_form(office, starts_on="2025-01-01", deadline="2025-06-30")))
    _department_user(app, make_user, "市数据局")
    with app.app_context():
        first = queries.notify_new_flags(date(2026, 12, 2), lambda t: f"/staff/ledger/{t.id}")
        db.session.commit()
        assert first == 2  # overdue and no report
        assert queries.notify_new_flags(date(2026, 12, 2), lambda t: f"/staff/ledger/{t.id}") == 0
        db.session.commit()
        assert db.session.query(Notification).filter(Notification.title.contains("督察预警")).count() == 4  # office + department, twice


def test_supervision_record_and_closure(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.ledger.models import SupervisionRecord

    office = _office(app, make_user)
    task_id = _task_id(office.post("/staff/ledger/new", data=_task_form(office)))
    page = office.get(f"/staff/ledger/{task_id}").get_data(as_text=True)
    response = office.post(f"/staff/ledger/{task_id}/supervision", data={"csrf_token": csrf_from(page), "kind": "visit",
                           "visited_on": "2026-11-20", "findings": "事项上线滞后", "rectify_by": "2026-11-01"})
    assert response.status_code == 400 and "整改时限不能早于督察日期" in response.get_data(as_text=True)
    response = office.post(f"/staff/ledger/{task_id}/supervision", data={"csrf_token": csrf_from(page), "kind": "visit",
                           "visited_on": "2026-11-20", "findings": "事项上线滞后", "rectify_by": "2026-12-20"})
    assert response.status_code == 302
    with app.app_context():
        record_id = db.session.query(SupervisionRecord).one().id
    response = office.post(f"/staff/ledger/{task_id}/supervision/close", data={"csrf_token": csrf_from(page), "record": str(record_id), "note": "已整改到位"})
    assert response.status_code == 302
    page = office.get(f"/staff/ledger/{task_id}").get_data(as_text=True)
    assert "已销号" in page and "已整改到位" in page
    assert "市数据局" in office.get("/staff/ledger/major?year=2026").get_data(as_text=True)


def test_private_tasks_stay_off_the_public_page(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan(title="公开方案")
    office = _office(app, make_user)
    _task_id(office.post("/staff/ledger/new", data=_task_form(office, plan_id=str(plan_id), public="", title="内部任务")))
    assert app.test_client().get(f"/reforms/{plan_id}").status_code == 404
    _task_id(office.post("/staff/ledger/new", data=_task_form(office, plan_id=str(plan_id), code="P-2", title="公开任务")))
    page = app.test_client().get(f"/reforms/{plan_id}").get_data(as_text=True)
    assert "公开任务" in page and "内部任务" not in page


def test_dashboard_shows_flagged_tasks(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    office = _office(app, make_user)
    _task_id(office.post("/staff/ledger/new", data=_task_form(office, title="早该完成的任务", starts_on="2025-01-01", deadline="2025-06-30")))
    page = office.get("/staff/").get_data(as_text=True)
    assert "早该完成的任务" in page and "逾期未完成" in page
    assert 'data-flag="overdue"' in office.get("/staff/ledger/?flag=overdue").get_data(as_text=True)


def _digest_with_issue(app: Flask, plan_id: int, citizen_id: int) -> tuple[int, list[int]]:
    """A finished digest of the plan whose first issue holds three approved comments, two answered 采纳/部分采纳."""
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Comment, Plan
    from consult.responses.models import Response

    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        comments = [Comment(plan_id=plan_id, version_id=plan.current_version.id, body=f"建议{n}：办事材料再精简", status="published",
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
                            Response(comment_id=ids[2], plan_id=plan_id, status="not_adopted", text="未采纳", reason="已有规定")])
        db.session.commit()
        return digest.id, ids


def test_adopted_cluster_becomes_a_task_and_its_authors_see_it(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.ledger.models import TaskOpinion

    plan_id = make_plan(title="材料精简方案")
    citizen_id, email, password = make_user()
    digest_id, ids = _digest_with_issue(app, plan_id, citizen_id)
    office = _office(app, make_user)
    page = office.get(f"/staff/ledger/from-digest/{digest_id}?ref=D1-T1-I1").get_data(as_text=True)
    assert "转为改革任务" in page
    response = office.post(f"/staff/ledger/from-digest/{digest_id}", data={"csrf_token": csrf_from(page), "ref": "D1-T1-I1", "mode": "new",
                           "title": "精简办事材料", "lead_department": "市政务服务中心", "deadline": "2026-12-31"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    with app.app_context():
        linked = sorted(o.comment_id for o in db.session.query(TaskOpinion))
    assert linked == ids[:2]  # the 未采纳 member is not carried out
    assert office.get(f"/staff/ledger/from-digest/{digest_id}?ref=D9-T1-I1").status_code == 404
    citizen = app.test_client()
    login(citizen, email, password)
    mine = citizen.get("/account/comments").get_data(as_text=True)
    assert "已转为改革任务" in mine and "精简办事材料" in mine

    # A single opinion attached to the same task from the answer workbench adds only what is new.
    task_id = int(response.headers["Location"].split("/")[-1].split("#")[0])
    page = office.get(f"/staff/ledger/from-comment/{ids[2]}").get_data(as_text=True)
    response = office.post(f"/staff/ledger/from-comment/{ids[2]}", data={"csrf_token": csrf_from(page), "mode": "attach", "task": str(task_id)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(TaskOpinion).count() == 3


LEDGER_CSV = (
    "编号,任务名称,上级编号,牵头单位,配合单位,责任领导,改革目标,开始时间,完成时限,年度,是否重大任务\n"
    "2026-01,深化放管服改革,,市政务服务中心,市数据局、市财政局,王副市长,审批时限压缩一半,2026/1/1,2026年12月31日,2026,是\n"
    "2026-01-1,推行告知承诺制,2026-01,市司法局,,李局长,事项清单公布,2026-02-01,2026-09-30,2026,否\n"
)


def _upload(client, content: bytes, name: str, action: str):  # type: ignore[no-untyped-def]
    page = client.get("/staff/ledger/import").get_data(as_text=True)
    return client.post("/staff/ledger/import", data={"csrf_token": csrf_from(page), "action": action, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_import_previews_then_imports_idempotently(any_app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    office = _office(any_app, make_user)
    preview = _upload(office, LEDGER_CSV.encode(), "台账.csv", "preview")
    assert preview.status_code == 200 and "推行告知承诺制" in preview.get_data(as_text=True) and "新增" in preview.get_data(as_text=True)
    with any_app.app_context():
        assert db.session.query(ReformTask).count() == 0  # a preview writes nothing
    assert _upload(office, LEDGER_CSV.encode(), "台账.csv", "import").status_code == 302
    assert _upload(office, LEDGER_CSV.encode(), "台账.csv", "import").status_code == 302
    with any_app.app_context():
        tasks = {t.code: t for t in db.session.query(ReformTask)}
        assert len(tasks) == 2
        child, parent = tasks["2026-01-1"], tasks["2026-01"]
        assert child.parent_id == parent.id and parent.is_major and not child.is_major
        assert parent.deadline == date(2026, 12, 31) and {p.department.name for p in parent.partners} == {"市数据局", "市财政局"}


def test_import_refuses_bad_rows_and_hostile_files(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    office = _office(app, make_user)
    bad = LEDGER_CSV + "2026-02,,,市财政局,,,,2026-13-01,2026-01-01,二〇二六,也许\n" + "2026-03,孤儿任务,9999,市财政局,,,,,,2026,否\n"
    response = _upload(office, bad.encode(), "台账.csv", "import")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "未导入任何数据" in text
    assert "缺少任务名称" in text and "不是有效日期" in text and "是否重大任务" in text and "9999" in text
    with app.app_context():
        assert db.session.query(ReformTask).count() == 0  # the good rows were not half-imported
    assert _upload(office, b"PK\x03\x04 not really a workbook", "台账.xlsx", "preview").status_code == 400
    assert _upload(office, b"MZ", "台账.exe", "preview").status_code == 400
    assert _upload(office, "名称\n甲\n".encode(), "台账.csv", "preview").status_code == 400
    assert "缺少必需的列" in _upload(office, "名称\n甲\n".encode(), "台账.csv", "preview").get_data(as_text=True)


def test_demo_loads_a_ledger_once(app: Flask) -> None:
    from consult.demo import loader as demo
    from consult.extensions import db
    from consult.ledger import flags
    from consult.ledger.models import ProgressReport, ReformTask, SupervisionRecord, TaskOpinion

    with app.app_context():
        assert demo.load()["ledgers_created"] >= 1
        db.session.commit()
        assert demo.load()["ledgers_created"] == 0
        db.session.commit()
        tasks = db.session.query(ReformTask).all()
        assert any(t.parent_id for t in tasks) and db.session.query(TaskOpinion).count() > 0
        assert {r.review for r in db.session.query(ProgressReport)} == {"accepted", "pending"}
        assert any(f.code == "overdue" for t in tasks for f in flags.flags_for(t, flags.today()))
        assert db.session.query(SupervisionRecord).count() == 1
