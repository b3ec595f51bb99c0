"""Staff draft a plan, preview and fix its clause split, publish it, and revise it."""

from __future__ import annotations

import io

import pytest
from docx import Document

from tests.conftest import csrf_from, login

BODY = "一、总体要求\n（一）指导思想\n坚持以人民为中心。\n（二）主要目标\n到2027年基本建成。\n二、重点任务\n1．压缩审批时限。\n2．推行一网通办。"


@pytest.fixture
def staff(app, make_user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    _, email, password = make_user(role="staff")
    login(client, email, password)
    return client


def _create(staff, **fields):  # type: ignore[no-untyped-def]
    page = staff.get("/staff/plans/new").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "title": "关于优化营商环境的实施方案（征求意见稿）", "department": "市发展改革委", "summary": "摘要", "body": BODY, "window_days": "30", "moderation": "post"}
    data.update(fields)
    return staff.post("/staff/plans/new", data=data, content_type="multipart/form-data")


def _plan(app, plan_id):  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Plan

    return db.session.get(Plan, plan_id)


def test_create_preview_fix_and_publish(app, staff) -> None:  # type: ignore[no-untyped-def]
    response = _create(staff)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    plan_id = int(preview_url.rsplit("/", 1)[1])
    page = staff.get(preview_url).get_data(as_text=True)
    assert "条款拆分预览" in page and "（二）" in page and "2．" in page
    with app.app_context():
        clauses = _plan(app, plan_id).current_version.clauses
        assert [c.number for c in clauses] == ["一、", "（一）", "（二）", "二、", "1．", "2．"]
        assert [c.level for c in clauses] == [0, 1, 1, 0, 1, 1]
        merge_id = clauses[5].id
    token = csrf_from(page)
    staff.post(f"/staff/plans/{plan_id}/clauses/{merge_id}/merge", data={"csrf_token": token})
    with app.app_context():
        clauses = _plan(app, plan_id).current_version.clauses
        assert len(clauses) == 5 and "推行一网通办" in clauses[4].text
    staff.post(f"/staff/plans/{plan_id}/body", data={"csrf_token": token, "body": BODY + "\n三、保障措施\n加强组织领导。"})
    with app.app_context():
        assert [c.number for c in _plan(app, plan_id).current_version.clauses][-1] == "三、"
    assert app.test_client().get(f"/plans/{plan_id}").status_code == 404  # still a draft
    staff.post(f"/staff/plans/{plan_id}/publish", data={"csrf_token": token})
    public = app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "还剩 30 天" in public and "加强组织领导" in public
    assert "关于优化营商环境" in app.test_client().get("/").get_data(as_text=True)


def test_short_window_needs_a_public_reason(app, staff) -> None:  # type: ignore[no-untyped-def]
    response = _create(staff, window_days="10")
    assert response.status_code == 400 and "必须说明理由" in response.get_data(as_text=True)
    response = _create(staff, window_days="10", short_window_reason="上级部署时间紧迫")
    plan_id = int(response.headers["Location"].rsplit("/", 1)[1])
    token = csrf_from(staff.get(response.headers["Location"]).get_data(as_text=True))
    staff.post(f"/staff/plans/{plan_id}/publish", data={"csrf_token": token})
    assert "上级部署时间紧迫" in app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)


def test_upload_docx_body(app, staff) -> None:  # type: ignore[no-untyped-def]
    document = Document()
    for line in ["第一章 总则", "第一条 为规范基层考核，制定本规定。", "第二条 本规定适用于全市乡镇。"]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    response = _create(staff, body="", upload=(io.BytesIO(buffer.getvalue()), "规定.docx"))
    assert response.status_code == 302
    with app.app_context():
        plan_id = int(response.headers["Location"].rsplit("/", 1)[1])
        numbers = [c.number for c in _plan(app, plan_id).current_version.clauses]
        assert numbers == ["第一章", "第一条", "第二条"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((io.BytesIO(b"MZ\x90\x00"), "virus.exe"), "只支持"),
        ((io.BytesIO(b""), "empty.txt"), "空"),
        ((io.BytesIO(b"not a zip at all"), "broken.docx"), "docx"),
    ],
)
def test_bad_uploads_are_refused(app, staff, upload, message) -> None:  # type: ignore[no-untyped-def]
    response = _create(staff, body="", upload=upload)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_new_version_keeps_comments_on_the_old_one(app, staff, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments

    response = _create(staff)
    plan_id = int(response.headers["Location"].rsplit("/", 1)[1])
    token = csrf_from(staff.get(response.headers["Location"]).get_data(as_text=True))
    staff.post(f"/staff/plans/{plan_id}/publish", data={"csrf_token": token})
    user_id, _, _ = make_user()
    with app.app_context():
        plan = _plan(app, plan_id)
        old_clause = plan.current_version.clauses[2]
        comment, _ = comments.post_comment(user=db.session.get(User, user_id), plan=plan, body="对第一版的意见", clause_id=old_clause.id)
        db.session.commit()
        old_clause_id = old_clause.id
    response = staff.post(f"/staff/plans/{plan_id}/versions", data={"csrf_token": token, "body": BODY.replace("2027", "2026"), "note": "采纳意见，提前目标年份"})
    assert response.status_code == 302
    with app.app_context():
        plan = _plan(app, plan_id)
        assert [v.number for v in plan.versions] == [1, 2]
        assert "2026" in plan.current_version.body
    current = app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "第 2 版" in current and "对第一版的意见" not in current
    old = app.test_client().get(f"/plans/{plan_id}/clauses/{old_clause_id}").get_data(as_text=True)
    assert "对第一版的意见" in old and "历史版本" in old


def test_a_bad_revision_form_is_explained_not_a_500(app, staff) -> None:  # type: ignore[no-untyped-def]
    response = _create(staff)
    plan_page = response.headers["Location"]
    plan_id = int(plan_page.rsplit("/", 1)[1])
    token = csrf_from(staff.get(plan_page).get_data(as_text=True))
    refused = staff.post(f"/staff/plans/{plan_id}/versions", data={"csrf_token": token, "body": BODY, "note": "长" * 2001}, follow_redirects=True)
    assert refused.status_code == 200
    with app.app_context():
        assert [v.number for v in _plan(app, plan_id).versions] == [1]
