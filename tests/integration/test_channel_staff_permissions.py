"""Every staff route of hearings and the suggestion box checks role and department.

Walks every rule of the two blueprints under /staff: anonymous → login page, citizen → 403,
a department user of ANOTHER department → 403/404 whatever the ids (queue pages: 200, scoped)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import csrf_from, login

SCOPED_LISTS = {"suggestions.queue"}  # department users may open them; results are their own


def _objects(app, make_plan) -> dict:  # type: ignore[no-untyped-def]
    from consult.core.models import Department, User
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.hearings import operations as hearings
    from consult.plans.models import Plan
    from consult.suggestions import operations as suggestions

    plan_id = make_plan(department="部门甲")
    now = datetime.now(UTC)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        author = db.session.get(User, plan.created_by_id)
        hearing = hearings.schedule(author, plan, hearings.ScheduleInput(title="甲的听证会", starts_at=now + timedelta(days=20), registration_opens_at=now - timedelta(hours=1), registration_closes_at=now + timedelta(days=1), capacity=2, place="甲地"))
        citizen = User(email="walk@example.com", password_hash="x", pseudonym="甲民", verified_at=now)
        db.session.add(citizen)
        db.session.flush()
        application = hearings.apply(hearing, citizen, stance="other", group="", statement="要点")
        suggestion, _code = suggestions.submit(None, domain="经济", title="甲的建议", body="内容")
        suggestion.department_id = plan.department_id
        digest = Digest(plan_id=None, scope="suggestions", scope_key="经济:2026-01-01:2026-12-31", last_comment_id=suggestion.id)
        db.session.add(digest)
        db.session.commit()
        assert db.session.get(Department, plan.department_id).name == "部门甲"
        return {"plan_id": plan.id, "hearing_id": hearing.id, "application_id": application.id, "suggestion_id": suggestion.id, "digest_id": digest.id}


def _rules(app):  # type: ignore[no-untyped-def]
    return sorted((r for r in app.url_map.iter_rules() if r.rule.startswith("/staff/") and r.endpoint.split(".")[0] in ("hearings", "suggestions")), key=lambda r: r.rule)


def test_every_staff_route_refuses_strangers_citizens_and_other_departments(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    objects = _objects(app, make_plan)
    rules = _rules(app)
    assert len(rules) >= 12
    anonymous = app.test_client()
    _, citizen_login, password = make_user()
    citizen = app.test_client()
    login(citizen, citizen_login, password)
    _, other_login, password = make_user(role="department", department="部门乙")
    other = app.test_client()
    login(other, other_login, password)
    token = {c: csrf_from(c.get("/suggestions/new").get_data(as_text=True)) for c in (citizen, other, anonymous)}
    for rule in rules:
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", str(objects[name]))
        for method in sorted(rule.methods & {"GET", "POST"}):
            def call(client, url=url, method=method):  # type: ignore[no-untyped-def]
                return client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token[client], "public_value": "1", "reply": "越权", "department_id": "1", "minutes": "甲：乙", "summary": "s", "domain": "经济", "start": "2026-01-01", "end": "2026-12-31"})

            response = call(anonymous)
            assert response.status_code == 302 and "/account/login" in response.headers["Location"], (method, url)
            assert call(citizen).status_code == 403, (method, url)
            expected = {200} if rule.endpoint in SCOPED_LISTS else {403, 404}
            assert call(other).status_code in expected, (method, url, rule.endpoint)
    assert "甲的建议" not in other.get("/staff/suggestions/").get_data(as_text=True)
    # Nothing changed hands along the way.
    from consult.extensions import db
    from consult.hearings.models import Hearing
    from consult.suggestions.models import Suggestion

    with app.app_context():
        assert db.session.get(Hearing, objects["hearing_id"]).drawn_at is None
        assert db.session.get(Suggestion, objects["suggestion_id"]).reply == ""
