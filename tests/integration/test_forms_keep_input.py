"""A refused form comes back with what the person typed and the message beside the field it is about (issue 15, item 3)."""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import select

from tests.conftest import csrf_from, login


def _field_block(html: str, name: str) -> lxml.html.HtmlElement:
    """The `.field` block holding the control called `name` (the message must sit inside it)."""
    page = lxml.html.fromstring(html)
    controls = page.xpath(f'//*[@name="{name}"]')
    assert controls, f"no control named {name}"
    blocks = controls[0].xpath('ancestor::div[contains(concat(" ", @class, " "), " field ")]')
    assert blocks, f"control {name} is not inside a .field block"
    return blocks[-1]


def _errors(block: lxml.html.HtmlElement) -> str:
    return " ".join(e.text_content() for e in block.xpath('.//*[contains(@class, "error")]'))


def _value(html: str, name: str) -> str:
    control = lxml.html.fromstring(html).xpath(f'//*[@name="{name}"]')[0]
    # A browser drops the newline WTForms writes right after <textarea>; lxml keeps it.
    return control.text_content().removeprefix("\n") if control.tag == "textarea" else control.get("value", "")


@pytest.fixture
def citizen(app, make_user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    _, email, password = make_user()
    login(client, email, password)
    return client


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "意见内容不能为空"), ("我认为<b>第二条</b>应当修改。", "不能包含 HTML")],
)
def test_refused_comment_keeps_its_text_and_says_why_beside_it(app, citizen, make_plan, body, message) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    page = citizen.get(f"/plans/{plan_id}").get_data(as_text=True)
    response = citizen.post(f"/plans/{plan_id}/comments", data={"csrf_token": csrf_from(page), "body": body, "clause_id": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请求有误" not in html  # the plan page again, not a bare error page
    assert message in _errors(_field_block(html, "body"))
    assert _value(html, "body") == body


def test_refused_clause_comment_comes_back_on_the_clause_page(app, citizen, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Plan

    plan_id = make_plan()
    with app.app_context():
        clause = db.session.get(Plan, plan_id).current_version.clauses[1]
        clause_id, label = clause.id, clause.label
    page = citizen.get(f"/plans/{plan_id}/clauses/{clause_id}").get_data(as_text=True)
    response = citizen.post(f"/plans/{plan_id}/comments", data={"csrf_token": csrf_from(page), "body": "<i>改</i>", "clause_id": str(clause_id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and label in html
    assert "不能包含 HTML" in _errors(_field_block(html, "body"))
    assert _value(html, "body") == "<i>改</i>"


def test_refused_comment_answers_json_with_the_field(app, citizen, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    page = citizen.get(f"/plans/{plan_id}").get_data(as_text=True)
    response = citizen.post(f"/plans/{plan_id}/comments", data={"csrf_token": csrf_from(page), "body": ""}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["field"] == "body" and "不能为空" in response.get_json()["error"]


def test_hearing_application_without_a_stance_keeps_the_statement(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.test_hearings import _citizen, _schedule

    hearing_id = _schedule(app, make_plan())
    _, client = _citizen(app, make_user)
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    statement = "建议起步价不变，夜间加价透明公示。"
    response = client.post(f"/hearings/{hearing_id}/apply", data={"csrf_token": csrf_from(page), "group": "乘客", "statement": statement})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "请求有误" not in html
    assert "请选择您的立场" in _errors(_field_block(html, "stance"))
    assert _value(html, "statement") == statement


def test_rejection_without_a_reason_keeps_the_queue_and_the_choice(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment

    plan_id = make_plan(moderation="pre")
    author = app.test_client()
    _, email, password = make_user()
    login(author, email, password)
    page = author.get(f"/plans/{plan_id}").get_data(as_text=True)
    author.post(f"/plans/{plan_id}/comments", data={"csrf_token": csrf_from(page), "body": "先审后发的意见。"})
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id))
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    page = staff.get("/staff/moderation/?status=pending").get_data(as_text=True)
    response = staff.post("/staff/moderation/decide", data={"csrf_token": csrf_from(page), "ids": [str(comment_id)], "action": "reject", "reason": "", "next": "/staff/moderation/?status=pending"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "请求有误" not in html
    assert "必须填写理由" in _errors(_field_block(html, "reason"))
    box = lxml.html.fromstring(html).xpath(f'//input[@name="ids"][@value="{comment_id}"]')[0]
    assert box.get("checked") is not None  # the selection survives
    assert lxml.html.fromstring(html).xpath('//input[@name="action"][@value="reject"]')[0].get("checked") is not None


def test_suggestion_without_a_domain_says_so_beside_the_domain(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/suggestions/new").get_data(as_text=True)
    body = "建议在老旧小区加装电梯时简化审批。"
    response = client.post("/suggestions/new", data={"csrf_token": csrf_from(page), "domain": "", "title": "加装电梯", "body": body})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请选择建议所属的领域" in _errors(_field_block(html, "domain"))
    assert "领域" not in _errors(_field_block(html, "body"))
    assert _value(html, "body") == body and _value(html, "title") == "加装电梯"


def test_short_window_without_a_reason_says_so_beside_the_reason(app, make_user) -> None:  # type: ignore[no-untyped-def]
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    page = staff.get("/staff/plans/new").get_data(as_text=True)
    body = "第一条 总则。\n第二条 附则。"
    response = staff.post("/staff/plans/new", data={"csrf_token": csrf_from(page), "title": "短期方案", "department": "市司法局", "body": body, "window_days": "10", "moderation": "post"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "必须说明理由" in _errors(_field_block(html, "short_window_reason"))
    assert _errors(_field_block(html, "body")) == ""
    assert _value(html, "body") == body and _value(html, "title") == "短期方案"


def test_verification_code_pasted_at_once_is_accepted(app, caplog) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.test_accounts import _register

    client = app.test_client()
    code = _register(client, "13800138000", caplog)
    app.config["FORM_MIN_FILL_SECONDS"] = 2.0  # as in production; the code form must not wait for it
    try:
        page = client.get("/account/verify").get_data(as_text=True)
        response = client.post("/account/verify", data={"csrf_token": csrf_from(page), "code": code})
    finally:
        app.config["FORM_MIN_FILL_SECONDS"] = 0.0
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "验证成功" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_refusal_outside_a_form_flow_gets_the_error_page_or_json(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.extensions import db

    admin = app.test_client()
    _, email, password = make_user(role="admin")
    login(admin, email, password)
    token = csrf_from(admin.get("/admin/departments").get_data(as_text=True))
    assert admin.post("/admin/departments", data={"csrf_token": token, "name": "市教育局"}).status_code == 302
    assert admin.post("/admin/departments", data={"csrf_token": token, "name": "市民政局"}).status_code == 302
    with app.app_context():
        first = db.session.scalar(select(AuditEntry.target_id).where(AuditEntry.action == "department.create").order_by(AuditEntry.id))
    page = admin.post(f"/admin/departments/{first}", data={"csrf_token": token, "name": "市民政局"})
    assert page.status_code == 409 and "部门“市民政局”已存在" in page.get_data(as_text=True)
    as_json = admin.post(f"/admin/departments/{first}", data={"csrf_token": token, "name": "市民政局"}, headers={"Accept": "application/json"})
    assert as_json.status_code == 409 and "已存在" in as_json.get_json()["error"]
    with app.app_context():  # the refused rename changed nothing and left no audit entry
        assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == ["department.create", "department.create"]


def test_minutes_refused_before_the_hearing_keep_the_typed_minutes(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.test_hearings import _schedule

    hearing_id = _schedule(app, make_plan())
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    page = staff.get(f"/staff/hearings/{hearing_id}").get_data(as_text=True)
    minutes = "主持人：现在开始听证。\n司机代表：起步价应当上调。"
    response = staff.post(f"/staff/hearings/{hearing_id}/minutes", data={"csrf_token": csrf_from(page), "minutes": minutes, "summary": "两方意见分歧。"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "尚未举行" in html
    assert _value(html, "minutes") == minutes and _value(html, "summary") == "两方意见分歧。"


def test_suggestion_reply_with_markup_keeps_the_reply(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Department
    from consult.extensions import db
    from consult.suggestions.models import Suggestion

    client = app.test_client()
    page = client.get("/suggestions/new").get_data(as_text=True)
    client.post("/suggestions/new", data={"csrf_token": csrf_from(page), "domain": "经济", "title": "减税", "body": "建议减免小微企业税费。"})
    office = app.test_client()
    _, email, password = make_user(role="staff")
    login(office, email, password)
    with app.app_context():
        db.session.add(Department(name="市税务局"))
        db.session.commit()
        dept_id = db.session.scalar(select(Department.id).where(Department.name == "市税务局"))
        suggestion_id = db.session.scalar(select(Suggestion.id))
    page = office.get(f"/staff/suggestions/{suggestion_id}").get_data(as_text=True)
    office.post(f"/staff/suggestions/{suggestion_id}/assign", data={"csrf_token": csrf_from(page), "department_id": dept_id})
    reply = "感谢建议，<b>已转税务局研究</b>。"
    response = office.post(f"/staff/suggestions/{suggestion_id}/reply", data={"csrf_token": csrf_from(page), "reply": reply})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "不能包含 HTML" in _errors(_field_block(html, "reply"))
    assert _value(html, "reply") == reply


@pytest.mark.parametrize("clause_value", ["²", "9" * 40, "abc"])
def test_a_forged_clause_is_refused_beside_the_clause_choice(app, citizen, make_plan, clause_value) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    page = citizen.get(f"/plans/{plan_id}").get_data(as_text=True)
    response = citizen.post(f"/plans/{plan_id}/comments", data={"csrf_token": csrf_from(page), "body": "建议增加附则。", "clause_id": clause_value})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "所选条款不存在" in _errors(_field_block(html, "clause_id"))
    assert _value(html, "body") == "建议增加附则。"
