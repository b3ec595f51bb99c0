"""显示原文: staff who may manage an object see its unmasked text once, by POST with CSRF, audited."""

from __future__ import annotations

from flask import Flask

from tests.conftest import csrf_from, login

PHONE_TEXT = "请打我电话13812345678"


def _setup(app: Flask, make_user, make_plan):  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    plan_id = make_plan(department="部门甲", moderation="pre")
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        comment = Comment(plan_id=plan_id, version_id=plan.current_version.id, body=PHONE_TEXT, status="pending")
        db.session.add(comment)
        db.session.commit()
        return plan_id, comment.id


def _client(app: Flask, make_user, **kwargs):  # type: ignore[no-untyped-def]
    client = app.test_client()
    _, email, password = make_user(**kwargs)
    login(client, email, password)
    return client


def test_own_department_sees_the_original_once_and_it_is_audited(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.extensions import db

    staff = _client(app, make_user, role="department", department="部门甲")
    _, comment_id = _setup(app, make_user, make_plan)
    queue = staff.get("/staff/moderation/").get_data(as_text=True)
    assert "138****5678" in queue and "13812345678" not in queue and "显示原文" in queue
    url = f"/staff/moderation/original/comment/{comment_id}"
    assert staff.get(url).status_code == 405
    assert staff.post(url).status_code == 400  # no CSRF token
    response = staff.post(url, data={"csrf_token": csrf_from(queue)})
    assert response.status_code == 200 and "13812345678" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        entries = db.session.query(AuditEntry).filter_by(action="personal.reveal").all()
        assert [(e.target_type, str(e.target_id)) for e in entries] == [("comment", str(comment_id))]


def test_other_departments_and_citizens_are_refused(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.extensions import db

    _, comment_id = _setup(app, make_user, make_plan)
    url = f"/staff/moderation/original/comment/{comment_id}"
    for client, expected in ((_client(app, make_user, role="department", department="部门乙"), 403), (_client(app, make_user), 403)):
        token = csrf_from(client.get("/account/login").get_data(as_text=True))
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == expected and "13812345678" not in response.get_data(as_text=True)
    office = _client(app, make_user, role="staff")
    token = csrf_from(office.get("/account/login").get_data(as_text=True))
    assert office.post(f"/staff/moderation/original/comment/{comment_id + 999}", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="personal.reveal").count() == 0


def test_a_suggestions_contact_is_shown_only_to_its_department(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Department, User
    from consult.extensions import db
    from consult.suggestions import operations as suggestions

    own = _client(app, make_user, role="department", department="部门甲")
    other = _client(app, make_user, role="department", department="部门乙")
    with app.app_context():
        office = db.session.query(User).filter_by(role="department").first()
        office.role = "staff"  # assign needs the reform office; any staff account will do
        suggestion, _ = suggestions.submit(None, domain="经济", title="建议", body="减少审批", contact="13812345678")
        suggestions.assign(office, suggestion, db.session.query(Department).filter_by(name="部门甲").one().id)
        office.role = "department"
        db.session.commit()
        suggestion_id = suggestion.id
    page = own.get(f"/staff/suggestions/{suggestion_id}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    url = f"/staff/moderation/original/suggestion/{suggestion_id}"
    assert other.post(url, data={"csrf_token": csrf_from(other.get("/account/login").get_data(as_text=True))}).status_code == 404
    shown = own.post(url, data={"csrf_token": csrf_from(page)})
    assert shown.status_code == 200 and "13812345678" in shown.get_data(as_text=True)
