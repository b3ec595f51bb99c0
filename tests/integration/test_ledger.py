"""The reform ledger end to end: the office keeps tasks, departments report on their own tasks only,
the office reviews, supervision flags are told once, digest issues become tasks, the public follows."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from, login


@pytest.fixture(autouse=True)
def _fresh_login_limits():  # type: ignore[no-untyped-def]
    from consult.extensions import limiter

    if type(getattr(limiter, "_storage", None)).__name__ == "MemoryStorage":
        limiter.reset()
    yield


def _client(app, make_user, role="staff", department=""):  # type: ignore[no-untyped-def]
    user_id, login_name, password = make_user(role=role, department=department)
    client = app.test_client()
    login(client, login_name, password)
    return client, user_id


def _form(client, page, url, data, **kw):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kw)


def _department_id(app, name):  # type: ignore[no-untyped-def]
    from consult.core.models import Department
    from consult.extensions import db

    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.name == name))


def _new_task(office, app, lead, partner="", **extra):  # type: ignore[no-untyped-def]
    data = {"title": "推行企业开办一日办结", "code": extra.pop("code", "T-1"), "year": "2026", "plan_id": "0", "parent_id": "0",
            "lead_department_id": str(_department_id(app, lead)), "status": "in_progress", "report_every_days": "30",
            "starts_on": "2026-09-01", "deadline": "2027-03-31", "milestones": "2026-12-31 完成试点\n2027-03-01 全面推开", "public": "y", **extra}
    if partner:
        data["partner_ids"] = str(_department_id(app, partner))
    return _form(office, "/staff/ledger/new", "/staff/ledger/new", data)


def test_office_creates_a_task_and_a_refused_form_keeps_what_was_typed(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    make_user(role="department", department="市市场监管局")
    office, _ = _client(app, make_user)
    bad = _new_task(office, app, "市市场监管局", starts_on="2027-05-01", title="时限早于开始的任务")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "完成时限不能早于开始时间" in html and "时限早于开始的任务" in html and "完成试点" in html
    bad_line = _new_task(office, app, "市市场监管局", milestones="明年 完成")
    assert bad_line.status_code == 400 and "第 1 行节点应以日期开头" in bad_line.get_data(as_text=True)
    created = _new_task(office, app, "市市场监管局")
    assert created.status_code == 302
    with app.app_context():
        task = db.session.scalar(select(ReformTask).where(ReformTask.code == "T-1"))
        assert task.lead_department.name == "市市场监管局" and [m.title for m in task.milestones] == ["完成试点", "全面推开"]
    duplicate = _new_task(office, app, "市市场监管局", title="另一个同编号任务")
    assert duplicate.status_code == 409 and "编号“T-1”已被另一项任务使用" in duplicate.get_data(as_text=True)
    page = office.get(f"/staff/ledger/{task.id}").get_data(as_text=True)
    assert "推行企业开办一日办结" in page and "市市场监管局" in page and "全面推开" in page


def test_a_department_sees_and_reports_only_on_its_own_tasks(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Notification, User
    from consult.extensions import db
    from consult.ledger.models import ProgressReport, ReformTask

    lead, lead_id = _client(app, make_user, role="department", department="市数据局")
    partner, _ = _client(app, make_user, role="department", department="市财政局")
    other, _ = _client(app, make_user, role="department", department="市教育局")
    office, office_id = _client(app, make_user)
    assert _new_task(office, app, "市数据局", partner="市财政局", code="T-2").status_code == 302
    with app.app_context():
        task_id = db.session.scalar(select(ReformTask.id).where(ReformTask.code == "T-2"))
    assert "推行企业开办一日办结" in lead.get("/staff/ledger/").get_data(as_text=True)
    assert "推行企业开办一日办结" in partner.get("/staff/ledger/").get_data(as_text=True)
    assert "推行企业开办一日办结" not in other.get("/staff/ledger/").get_data(as_text=True)
    assert other.get(f"/staff/ledger/{task_id}").status_code == 404
    assert lead.get("/staff/ledger/new").status_code == 403

    page = f"/staff/ledger/{task_id}"
    refused = _form(other, "/staff/ledger/", f"/staff/ledger/{task_id}/reports", {"body": "冒充报送", "progress": "90"})
    assert refused.status_code == 404
    wrong_type = _form(lead, page, f"/staff/ledger/{task_id}/reports",
                       {"period": "2026年11月", "body": "完成了系统对接", "progress": "40", "attachments": (io.BytesIO(b"MZ"), "tool.exe")},
                       content_type="multipart/form-data")
    html = wrong_type.get_data(as_text=True)
    assert wrong_type.status_code == 415 and "类型不支持" in html and "完成了系统对接" in html
    sent = _form(lead, page, f"/staff/ledger/{task_id}/reports",
                 {"period": "2026年11月", "body": "完成了系统对接，联系 13812345678", "progress": "40",
                  "attachments": (io.BytesIO("对接说明".encode()), "说明.txt")}, content_type="multipart/form-data")
    assert sent.status_code == 302
    shown = office.get(page).get_data(as_text=True)
    assert "13812345678" not in shown and "138****5678" in shown and "说明.txt" in shown
    with app.app_context():
        report = db.session.scalar(select(ProgressReport).where(ProgressReport.task_id == task_id))
        attachment_id = report.attachments[0].id
        assert db.session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == office_id)) == 1
    assert other.get(f"/staff/ledger/attachments/{attachment_id}").status_code == 404
    assert lead.get(f"/staff/ledger/attachments/{attachment_id}").get_data() == "对接说明".encode()

    no_reason = _form(office, page, f"/staff/ledger/reports/{report.id}/review", {"decision": "return", "note": ""}, follow_redirects=True)
    assert "退回时请写明原因" in no_reason.get_data(as_text=True)
    assert _form(lead, page, f"/staff/ledger/reports/{report.id}/review", {"decision": "accept"}).status_code == 403
    assert _form(office, page, f"/staff/ledger/reports/{report.id}/review", {"decision": "accept", "note": "同意"}).status_code == 302
    with app.app_context():
        task = db.session.get(ReformTask, task_id)
        assert task.progress == 40
        lead_user = db.session.get(User, lead_id)
        told = db.session.scalars(select(Notification.title).where(Notification.user_id == lead_user.id)).all()
        assert any("进展报告已通过" in t for t in told)


def test_supervision_flags_are_told_once_and_shown_on_the_dashboard(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Department, Notification
    from consult.extensions import db
    from consult.ledger import supervision
    from consult.ledger.models import ReformTask

    dept, dept_user = _client(app, make_user, role="department", department="市住建局")
    office, _ = _client(app, make_user)
    today = date.today()
    with app.app_context():
        department = db.session.scalar(select(Department).where(Department.name == "市住建局"))
        db.session.add(ReformTask(title="老旧小区改造", year=today.year, status="in_progress", lead_department_id=department.id,
                                  starts_on=today - timedelta(days=200), deadline=today - timedelta(days=3), progress=60))
        db.session.commit()
        assert supervision.notify_new_flags() >= 2  # the department and the office
        db.session.commit()
        assert supervision.notify_new_flags() == 0  # nothing new: not told again
        db.session.commit()
        titles = db.session.scalars(select(Notification.body).where(Notification.user_id == dept_user)).all()
        assert titles == ["已逾期、未按期报送进展"]
    dashboard = office.get("/staff/").get_data(as_text=True)
    assert "逾期 1 项" in dashboard
    listing = dept.get("/staff/ledger/?flag=overdue").get_data(as_text=True)
    assert "老旧小区改造" in listing and "已逾期" in listing


def test_a_digest_issue_becomes_a_task_the_citizen_and_the_public_follow(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.ledger.models import TaskOpinion
    from consult.plans import comments
    from consult.plans.models import Plan
    from worker.analysis.results import DigestResult

    plan_id = make_plan(department="市发改委")
    citizen_id, citizen_login, citizen_password = make_user()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        author = db.session.get(User, citizen_id)
        for k in range(8):
            comments.post_comment(user=author, plan=plan, body=f"建议企业开办全程网上办理，少跑窗口（{k}）", clause_id=None)
        db.session.commit()
        digest, _created = digests.request_digest(plan)
        db.session.commit()
        assert digests.build(digest.id) == "done"
        members = DigestResult.from_dict(digests.latest(plan_id).result).themes[0].issues[0].member_ids
        ref = f"D{digest.number}-T1-I1"
    office, _ = _client(app, make_user)
    issue_page = office.get(f"/staff/digests/{digest.id}/themes/0/issues/0").get_data(as_text=True)
    assert "转为改革任务" in issue_page
    page = f"/staff/plans/{plan_id}/to-task?cluster={ref}"
    empty = _form(office, page, f"/staff/plans/{plan_id}/to-task", {"cluster": ref, "task_id": "0", "title": ""})
    assert empty.status_code == 400 and ref in empty.get_data(as_text=True)
    bad_ref = _form(office, page, f"/staff/plans/{plan_id}/to-task", {"cluster": "D9-T9-I9", "task_id": "0", "title": "网上开办"})
    assert bad_ref.status_code == 404 and "网上开办" in bad_ref.get_data(as_text=True)
    done = _form(office, page, f"/staff/plans/{plan_id}/to-task", {"cluster": ref, "task_id": "0", "title": "企业开办全程网办"})
    assert done.status_code == 302
    with app.app_context():
        linked = set(db.session.scalars(select(TaskOpinion.comment_id).where(TaskOpinion.cluster_ref == ref)))
        assert linked == set(members)
    again = _form(office, page, f"/staff/plans/{plan_id}/to-task", {"cluster": ref, "task_id": "0", "title": "重复转入"})
    assert again.status_code == 302 and "0 条意见" not in again.get_data(as_text=True)

    citizen = app.test_client()
    login(citizen, citizen_login, citizen_password)
    mine = citizen.get("/account/comments").get_data(as_text=True)
    assert "已转为改革任务：" in mine and "企业开办全程网办" in mine
    public = app.test_client()
    listing = public.get("/reforms/").get_data(as_text=True)
    assert "测试方案" in listing
    reform = public.get(f"/reforms/{plan_id}").get_data(as_text=True)
    assert "企业开办全程网办" in reform and "完成进度 0%" in reform
    assert public.get("/reforms/999999").status_code == 404


def _sheet(rows):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "任务名称", "上级编号", "牵头单位", "配合单位", "责任领导", "改革目标", "开始时间", "完成时限", "年度", "是否重大任务"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_ledger_sheet_imports_whole_or_not_at_all_and_again_updates(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    make_user(role="department", department="市人社局")
    make_user(role="department", department="市医保局")
    office, _ = _client(app, make_user)
    good = [["2026-01", "推进社保一卡通", "", "市人社局", "市医保局", "副市长", "全市通用", "2026-03-01", "2026年12月31日", 2026, "是"],
            ["2026-01-1", "医保结算接入", "2026-01", "市医保局", "", "", "", "", "2026/10/31", 2026, "否"]]
    bad = [*good, ["2026-02", "缺单位的任务", "", "市不存在局", "", "", "", "", "明年", 2026, ""], ["", "没编号", "", "", "", "", "", "", "", 2026, ""]]

    def upload(data, name="台帐.xlsx", **extra):  # type: ignore[no-untyped-def]
        return _form(office, "/staff/ledger/import", "/staff/ledger/import", {"upload": (io.BytesIO(data), name), **extra}, content_type="multipart/form-data")

    refused = upload(_sheet(bad))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "第 4 行" in html and "第 5 行：缺少编号" in html and "没有导入" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReformTask)) == 0
    assert upload(b"MZ\x90\x00", name="台帐.exe").status_code == 400
    assert upload(b"PK\x03\x04broken", name="台帐.xlsx").status_code == 400
    checked = upload(_sheet(good), check_only="y")
    assert checked.status_code == 200 and "将新建 2 项" in checked.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReformTask)) == 0
    done = upload(_sheet(good))
    assert done.status_code == 200 and "新建 2 项" in done.get_data(as_text=True)
    again = upload(_sheet([[*good[0][:1], "推进社保卡“一卡通”", *good[0][2:]]]))
    assert "更新 1 项" in again.get_data(as_text=True)
    with app.app_context():
        parent = db.session.scalar(select(ReformTask).where(ReformTask.code == "2026-01"))
        assert parent.title == "推进社保卡“一卡通”" and parent.is_major and parent.deadline == date(2026, 12, 31)
        assert [c.code for c in parent.children] == ["2026-01-1"] and [p.department.name for p in parent.partners] == ["市医保局"]
