"""The standing suggestion box: send, follow with number and code, assign, reply, publish; refusals."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_from, login


def _send(client, **fields):  # type: ignore[no-untyped-def]
    page = client.get("/suggestions/new").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "domain": "生态", "title": "建议推广垃圾分类积分", "body": "建议在全市小区推广垃圾分类积分兑换，提高居民参与度。", "contact": "13900000000", "allow_public": "y"}
    data.update(fields)
    return client.post("/suggestions/new", data=data)


def _numbers(html: str) -> tuple[str, str]:
    number = re.search(r'id="tracking-number">([^<]+)<', html).group(1)
    code = re.search(r'id="lookup-code">([^<]+)<', html).group(1)
    return number, code


def _staff(app, make_user, role: str = "staff", department: str = ""):  # type: ignore[no-untyped-def]
    client = app.test_client()
    user_id, login_name, password = make_user(role=role, department=department)
    login(client, login_name, password)
    return user_id, client


def _follow(client, number: str, code: str):  # type: ignore[no-untyped-def]
    page = client.get("/suggestions/follow").get_data(as_text=True)
    return client.post("/suggestions/follow", data={"csrf_token": csrf_from(page), "tracking_number": number, "code": code})


def test_anyone_sends_follows_and_reads_the_published_reply(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry, Department
    from consult.extensions import db
    from consult.suggestions.models import Suggestion

    visitor = app.test_client()
    response = _send(visitor)
    assert response.status_code == 200
    number, code = _numbers(response.get_data(as_text=True))
    assert re.fullmatch(r"JY-\d{4}-\d{6}", number) and len(code) == 8
    status = _follow(visitor, number, code)
    assert status.status_code == 200 and "已受理" in status.get_data(as_text=True)
    assert _follow(visitor, number, "WRONGCOD").status_code == 404  # the number alone is not enough

    _, office = _staff(app, make_user)
    with app.app_context():
        db.session.add(Department(name="市生态环境局"))
        db.session.commit()
        dept_id = db.session.scalar(select(Department.id).where(Department.name == "市生态环境局"))
        suggestion_id = db.session.scalar(select(Suggestion.id))
    page = office.get(f"/staff/suggestions/{suggestion_id}").get_data(as_text=True)
    assert office.post(f"/staff/suggestions/{suggestion_id}/assign", data={"csrf_token": csrf_from(page), "department_id": dept_id}).status_code == 302
    assert "已转交部门办理" in _follow(visitor, number, code).get_data(as_text=True)

    _, dept_staff = _staff(app, make_user, role="department")
    with app.app_context():
        from consult.core.models import User

        # make_user created its own department; move this user into 市生态环境局.
        user = db.session.scalars(select(User).where(User.role == "department")).one()
        user.department_id = dept_id
        db.session.commit()
        dept_user_id = user.id
    queue = dept_staff.get("/staff/suggestions/").get_data(as_text=True)
    assert number in queue
    page = office.get(f"/staff/suggestions/{suggestion_id}").get_data(as_text=True)  # re-assign: the department hears
    assert office.post(f"/staff/suggestions/{suggestion_id}/assign", data={"csrf_token": csrf_from(page), "department_id": dept_id}).status_code == 302
    with app.app_context():
        from consult.core.models import Notification

        told = db.session.scalars(select(Notification.title).where(Notification.user_id == dept_user_id)).all()
        assert told == ["新的改革建议待答复：建议推广垃圾分类积分"]
    page = dept_staff.get(f"/staff/suggestions/{suggestion_id}").get_data(as_text=True)
    replied = dept_staff.post(f"/staff/suggestions/{suggestion_id}/reply", data={"csrf_token": csrf_from(page), "reply": "感谢建议，已纳入明年垃圾分类工作方案。"})
    assert replied.status_code == 302
    follow = _follow(visitor, number, code).get_data(as_text=True)
    assert "已答复" in follow and "已纳入明年垃圾分类工作方案" in follow
    public = app.test_client().get("/suggestions/").get_data(as_text=True)
    assert "建议推广垃圾分类积分" in public and "已纳入明年" in public and "13900000000" not in public
    with app.app_context():
        actions = sorted(a for a in db.session.scalars(select(AuditEntry.action)))
        assert actions == ["suggestion.assign", "suggestion.assign", "suggestion.reply"]
        assert [e.status for e in db.session.get(Suggestion, suggestion_id).events] == ["received", "assigned", "assigned", "replied"]


def test_a_logged_in_sender_follows_without_the_code_and_is_notified(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Department, Notification
    from consult.extensions import db
    from consult.suggestions.models import Suggestion

    user_id, login_name, password = make_user()
    client = app.test_client()
    login(client, login_name, password)
    number, _code = _numbers(_send(client, allow_public="").get_data(as_text=True))
    assert number in client.get("/suggestions/mine").get_data(as_text=True)
    assert client.get(f"/suggestions/mine/{number}").status_code == 200
    other = app.test_client()
    _, other_login, other_pw = make_user()
    login(other, other_login, other_pw)
    assert other.get(f"/suggestions/mine/{number}").status_code == 404
    _, office = _staff(app, make_user)
    with app.app_context():
        db.session.add(Department(name="市财政局"))
        db.session.commit()
        dept_id = db.session.scalar(select(Department.id).where(Department.name == "市财政局"))
        suggestion_id = db.session.scalar(select(Suggestion.id))
    page = office.get(f"/staff/suggestions/{suggestion_id}").get_data(as_text=True)
    office.post(f"/staff/suggestions/{suggestion_id}/assign", data={"csrf_token": csrf_from(page), "department_id": dept_id})
    office.post(f"/staff/suggestions/{suggestion_id}/reply", data={"csrf_token": csrf_from(page), "reply": "已研究。"})
    with app.app_context():
        titles = [n.title for n in db.session.scalars(select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))]
        assert titles == ["您的建议已转交市财政局办理", "您的建议有了答复"]
    assert "已研究" not in app.test_client().get("/suggestions/").get_data(as_text=True)  # not allowed public


def test_bad_suggestions_are_refused_and_the_text_is_kept(app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.suggestions.models import Suggestion

    client = app.test_client()
    no_domain = _send(client, domain="")
    assert no_domain.status_code == 400 and "请选择建议所属的领域" in no_domain.get_data(as_text=True)
    assert "建议在全市小区推广垃圾分类积分兑换" in no_domain.get_data(as_text=True)  # nothing lost
    assert _send(client, domain="军事").status_code == 400
    huge = _send(client, body="很" * 20_000)
    assert huge.status_code == 400 and "5000" in huge.get_data(as_text=True)
    assert _send(client, title="").status_code == 400
    assert _send(client, body="<script>alert(1)</script>").status_code == 400
    no_csrf = client.post("/suggestions/new", data={"domain": "经济", "title": "t", "body": "b"})
    assert no_csrf.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Suggestion.id)) is None


def test_department_staff_cannot_read_or_reply_to_another_departments_suggestion(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Department, User
    from consult.extensions import db
    from consult.suggestions import operations as suggestions
    from consult.suggestions.models import Suggestion

    _, outsider = _staff(app, make_user, role="department", department="市教育局")
    with app.app_context():
        office = db.session.scalar(select(User).where(User.role == "department"))
        mine, _code = suggestions.submit(None, domain="社会", title="别人的建议", body="内容")
        theirs_dept = Department(name="市卫健委")
        db.session.add(theirs_dept)
        db.session.flush()
        mine.department_id, mine.status = theirs_dept.id, "assigned"
        own, _code = suggestions.submit(None, domain="文化", title="本部门的建议", body="内容")
        own.department_id, own.status = office.department_id, "assigned"
        db.session.commit()
        theirs_id, own_id = mine.id, own.id
    assert outsider.get(f"/staff/suggestions/{theirs_id}").status_code == 404
    assert outsider.get(f"/staff/suggestions/{own_id}").status_code == 200
    queue = outsider.get("/staff/suggestions/").get_data(as_text=True)
    assert "本部门的建议" in queue and "别人的建议" not in queue
    page = outsider.get(f"/staff/suggestions/{own_id}").get_data(as_text=True)
    assert outsider.post(f"/staff/suggestions/{theirs_id}/reply", data={"csrf_token": csrf_from(page), "reply": "越权答复"}).status_code == 404
    assert outsider.post(f"/staff/suggestions/{own_id}/assign", data={"csrf_token": csrf_from(page), "department_id": "1"}).status_code == 403
    assert outsider.post("/staff/suggestions/99999/reply", data={"csrf_token": csrf_from(page), "reply": "x"}).status_code == 404
    with app.app_context():
        assert db.session.get(Suggestion, theirs_id).reply == ""
    assert app.test_client().get("/staff/suggestions/").status_code == 302  # anonymous: to the login page
