"""The expert pool: accounts with a welcome link, conflicts of interest, invitations, who sees what."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from tests.conftest import login
from tests.support.experts import expert_client, make_expert, post_form, welcome_link

IN_A_WEEK = (date.today() + timedelta(days=7)).isoformat()


def _staff(app, make_user, role: str = "staff"):  # type: ignore[no-untyped-def]
    _, email, password = make_user(role=role)
    client = app.test_client()
    login(client, email, password)
    return client


def test_office_creates_an_expert_who_sets_a_password_from_the_welcome_mail(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.jobs import tasks
    from consult.core.models import Notification, OutboxEvent, User
    from consult.extensions import db

    staff = _staff(app, make_user)
    response = post_form(staff, "/staff/experts/", "/staff/experts/",
                         {"email": "li@example.com", "name": "李教授", "organisation": "大学", "fields": ["ecology", "party"], "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "li@example.com"))
        assert user.role == "expert" and not user.is_verified
        note = db.session.scalar(select(Notification).where(Notification.user_id == user.id))
        assert "/expert/welcome?" in note.link and "设置登录密码" in note.body
        # The e-mail copy is owed through the outbox, like every notification.
        assert db.session.scalar(select(OutboxEvent).where(OutboxEvent.task == tasks.SEND_NOTIFICATION_EMAIL, OutboxEvent.ref_id == note.id))
    link = welcome_link(app, "li@example.com")
    query = parse_qs(urlsplit(link).query)
    visitor = app.test_client()
    assert "设置登录密码" in visitor.get(link).get_data(as_text=True)
    data = {"login": query["login"][0], "code": query["code"][0], "password": "Zhuanjia-2026-mima", "confirm": "other-Password-9"}
    refused = post_form(visitor, link, "/expert/welcome", data)
    assert refused.status_code == 400 and "两次输入的密码不一致" in refused.get_data(as_text=True)
    wrong = post_form(visitor, link, "/expert/welcome", {**data, "confirm": data["password"], "code": "forged"})
    assert wrong.status_code == 400 and "链接无效或已过期" in wrong.get_data(as_text=True)
    assert post_form(visitor, link, "/expert/welcome", {**data, "confirm": data["password"]}).status_code == 302
    client = expert_client(app, "li@example.com", "Zhuanjia-2026-mima")
    page = client.get("/expert/").get_data(as_text=True)
    assert "专家工作室" in page and "李教授" in page
    # The link is spent: it cannot set the password a second time.
    assert post_form(visitor, link, "/expert/welcome", {**data, "confirm": data["password"]}).status_code == 400


def test_bad_expert_forms_keep_what_was_typed(app, make_user) -> None:  # type: ignore[no-untyped-def]
    staff = _staff(app, make_user)
    missing = post_form(staff, "/staff/experts/", "/staff/experts/", {"email": "x@example.com", "name": "", "organisation": "某研究院", "fields": ["economy"]})
    assert missing.status_code == 400
    html = missing.get_data(as_text=True)
    assert "请填写专家姓名" in html and "某研究院" in html
    no_field = post_form(staff, "/staff/experts/", "/staff/experts/", {"email": "x@example.com", "name": "赵六"})
    assert no_field.status_code == 400 and "请至少选择一个专业领域" in no_field.get_data(as_text=True) and "赵六" in no_field.get_data(as_text=True)
    phone = post_form(staff, "/staff/experts/", "/staff/experts/", {"email": "13800138000", "name": "赵六", "fields": ["law"]})
    assert phone.status_code == 400 and "电子邮箱" in phone.get_data(as_text=True)
    unknown = post_form(staff, "/staff/experts/", "/staff/experts/", {"email": "y@example.com", "name": "赵六", "fields": ["astrology"]})
    assert unknown.status_code == 400 and "未知的专业领域" in unknown.get_data(as_text=True)
    make_expert(app, staff)
    _, taken, _pw = make_expert(app, staff, name="钱七")
    again = post_form(staff, "/staff/experts/", "/staff/experts/", {"email": taken, "name": "钱七", "fields": ["law"]})
    assert again.status_code == 409 and "该邮箱已有账号" in again.get_data(as_text=True)
    markup = post_form(staff, "/staff/experts/", "/staff/experts/", {"email": "z@example.com", "name": "<b>孙</b>", "fields": ["law"]})
    assert markup.status_code == 400 and "HTML" in markup.get_data(as_text=True)


def test_a_declared_conflict_refuses_the_invitation_unless_overridden_with_a_reason(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.experts.models import ExpertInvitation
    from consult.extensions import db
    from consult.plans.models import Plan

    staff = _staff(app, make_user)
    plan_id = make_plan(department="市发展改革委")
    expert_id, _email, _pw = make_expert(app, staff)
    with app.app_context():
        department_id = db.session.get(Plan, plan_id).department_id
    page = f"/staff/experts/{expert_id}"
    assert post_form(staff, page, f"/staff/experts/{expert_id}/conflicts", {"department": str(department_id), "plan": "", "note": "在该委兼职"}).status_code == 302
    both = post_form(staff, page, f"/staff/experts/{expert_id}/conflicts", {"department": "", "plan": "", "note": "漏选"})
    assert both.status_code == 400 and "请选择一个回避的部门或一个回避的方案" in both.get_data(as_text=True) and "漏选" in both.get_data(as_text=True)
    review = f"/staff/plans/{plan_id}/experts"
    data = {"expert_id": str(expert_id), "deadline": IN_A_WEEK, "message": "请重点看第二条"}
    refused = post_form(staff, review, review, data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "已申报需回避：市发展改革委" in html and "请重点看第二条" in html
    accepted = post_form(staff, review, review, {**data, "override_reason": "该领域仅此一位法律专家，经主任同意"})
    assert accepted.status_code == 302
    with app.app_context():
        invitation = db.session.scalar(select(ExpertInvitation).where(ExpertInvitation.plan_id == plan_id))
        assert invitation.conflict_override == "该领域仅此一位法律专家，经主任同意"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "expert.invite"))
        assert entry.detail["conflict_override"] == invitation.conflict_override
    assert "回避例外" in staff.get(review).get_data(as_text=True)
    twice = post_form(staff, review, review, {**data, "override_reason": "再次"})
    assert twice.status_code == 409 and "已邀请过" in twice.get_data(as_text=True)


def test_bad_invitations_are_refused_with_the_input_kept(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    staff = _staff(app, make_user)
    plan_id = make_plan()
    expert_id, _email, _pw = make_expert(app, staff)
    review = f"/staff/plans/{plan_id}/experts"
    for data, message in (
        ({"expert_id": "", "deadline": IN_A_WEEK, "message": "说明甲"}, "请选择要邀请的专家"),
        ({"expert_id": "x", "deadline": IN_A_WEEK, "message": "说明甲"}, "选项无效"),
        ({"expert_id": str(expert_id), "deadline": "明天", "message": "说明甲"}, "日期格式应为 YYYY-MM-DD"),
        ({"expert_id": str(expert_id), "deadline": "2020-01-01", "message": "说明甲"}, "截止日期不能早于今天"),
        ({"expert_id": str(expert_id), "deadline": "", "message": "说明甲"}, "请填写论证截止日期"),
    ):
        response = post_form(staff, review, review, data)
        html = response.get_data(as_text=True)
        assert 400 <= response.status_code < 500 and message in html and "说明甲" in html, (data, response.status_code)


def test_experts_see_only_what_they_are_invited_to(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.experts.models import ExpertInvitation
    from consult.extensions import db

    staff = _staff(app, make_user)
    plan_id = make_plan(title="受邀方案")
    make_plan(title="未受邀方案")
    invited_id, invited_email, password = make_expert(app, staff, name="受邀专家")
    _other_id, other_email, other_password = make_expert(app, staff, name="旁观专家")
    review = f"/staff/plans/{plan_id}/experts"
    assert post_form(staff, review, review, {"expert_id": str(invited_id), "deadline": IN_A_WEEK}).status_code == 302
    with app.app_context():
        invitation_id = db.session.scalar(select(ExpertInvitation.id))
    invited = expert_client(app, invited_email, password)
    assert "受邀方案" in invited.get("/expert/").get_data(as_text=True)
    assert "未受邀方案" not in invited.get("/expert/").get_data(as_text=True)
    assert invited.get(f"/expert/invitations/{invitation_id}").status_code == 200
    declined = post_form(invited, "/expert/", f"/expert/invitations/{invitation_id}/respond", {"answer": "maybe"})
    assert declined.status_code == 400 and "请选择接受或谢绝" in declined.get_data(as_text=True)
    assert post_form(invited, "/expert/", f"/expert/invitations/{invitation_id}/respond", {"answer": "accept"}).status_code == 302
    assert "受邀专家 接受了邀请" in staff.get("/account/notifications").get_data(as_text=True)
    other = expert_client(app, other_email, other_password)
    assert "受邀方案" not in other.get("/expert/").get_data(as_text=True)
    assert other.get(f"/expert/invitations/{invitation_id}").status_code == 404
    assert post_form(other, "/expert/", f"/expert/invitations/{invitation_id}/respond", {"answer": "accept"}).status_code == 404
    assert post_form(other, "/expert/", f"/expert/invitations/{invitation_id}/opinions", {"body": "冒充"}).status_code == 404
    # Experts are outside accounts: no staff page opens for them.
    for url in ("/staff/", "/staff/experts/", review, f"/staff/plans/{plan_id}/responses", f"/staff/plans/{plan_id}/experts/report.docx"):
        assert invited.get(url).status_code == 403, url
    # Citizens and department accounts cannot reach the experts' space.
    for role in ("citizen", "department"):
        _, email, pw = make_user(role=role, department="部门丙" if role == "department" else "")
        client = app.test_client()
        login(client, email, pw)
        assert client.get("/expert/").status_code == 403
        assert client.get(f"/expert/invitations/{invitation_id}").status_code == 403
    # A withdrawn invitation disappears from the expert's space.
    assert post_form(staff, review, f"/staff/experts/invitations/{invitation_id}/withdraw", {}).status_code == 302
    assert invited.get(f"/expert/invitations/{invitation_id}").status_code == 404
