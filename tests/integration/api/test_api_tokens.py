"""Staff API with personal tokens, on PostgreSQL: created once on the account page, hashed, scoped,
revocable, expiring, audited, department-scoped; imports (idempotent), digests, answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import csrf_from, login
from tests.integration.api_helpers import bearer, seed, token_for

ALL = ["imports:write", "digests:read", "answers:read", "answers:write"]
PROBLEM = "application/problem+json"


def _staff(app: Flask, make_user, role: str = "staff", department: str = "") -> int:  # type: ignore[no-untyped-def]
    user_id, _login, _password = make_user(role=role, department=department)
    return user_id


def _post(client, url: str, payload: object, secret: str | None, **kwargs):  # type: ignore[no-untyped-def]
    headers = bearer(secret) if secret else {}
    return client.post(url, data=json.dumps(payload, ensure_ascii=False), content_type="application/json", headers=headers, **kwargs)


def _import(plan_id: int, external_id: str = "12345-2026-0001", texts: tuple[str, ...] = ("热线：希望延长办理时间", "热线：窗口太少")) -> tuple[str, dict]:
    return f"/api/v1/staff/plans/{plan_id}/imports", {"external_id": external_id, "channel": "hotline", "records": [{"text": t, "date": "2026-11-30"} for t in texts]}


def test_staff_create_a_token_on_the_account_page_shown_once_and_stored_hashed(any_app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.api.models import ApiToken
    from consult.core.models import AuditEntry
    from consult.extensions import db

    _, email, password = make_user(role="department", department="部门甲")
    client = any_app.test_client()
    login(client, email, password)
    assert "管理 API 令牌" in client.get("/account/").get_data(as_text=True)
    page = client.get("/account/api-tokens/")
    created = client.post("/account/api-tokens/", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "name": "12345 热线对接", "scopes": ["imports:write"], "days": "30"})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and "只显示这一次" in html
    secret = html.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith("cst_") and secret not in client.get("/account/api-tokens/").get_data(as_text=True)
    with any_app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.scopes == ["imports:write"] and secret.split("_", 2)[2] not in token.secret_hash
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_type == "api_token")) == "api_token.create"
    revoked = client.post(f"/account/api-tokens/{token.id}/revoke", data={"csrf_token": csrf_from(client.get("/account/api-tokens/").get_data(as_text=True))})
    assert revoked.status_code == 302 and "已撤销" in client.get("/account/api-tokens/").get_data(as_text=True)
    with any_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "api_token.revoke")) == 1


def test_a_refused_token_form_keeps_what_was_typed(any_app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="staff")
    client = any_app.test_client()
    login(client, email, password)
    token = csrf_from(client.get("/account/api-tokens/").get_data(as_text=True))
    response = client.post("/account/api-tokens/", data={"csrf_token": token, "name": "公文系统", "days": "9999"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="公文系统"' in html and "请至少选择一项权限" in html


def test_citizens_and_anonymous_visitors_cannot_have_tokens(any_app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="citizen")
    client = any_app.test_client()
    assert client.get("/account/api-tokens/").status_code == 302
    login(client, email, password)
    assert client.get("/account/api-tokens/").status_code == 403
    assert "API 令牌" not in client.get("/account/").get_data(as_text=True)


def test_import_is_idempotent_on_the_external_id_and_stays_internal(any_app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.extensions import db
    from consult.plans.models import Comment

    ids = seed(any_app, make_plan)
    secret = token_for(any_app, _staff(any_app, make_user), ["imports:write"])
    client = any_app.test_client()
    url, payload = _import(ids["plan"])
    first = _post(client, url, payload, secret)
    assert first.status_code == 201 and first.get_json()["rows"] == 2 and first.get_json()["duplicate"] is False
    retry = _post(client, url, payload, secret)
    assert retry.status_code == 200 and retry.get_json()["duplicate"] is True
    with any_app.app_context():
        imported = db.session.scalars(select(Comment).where(Comment.source == "hotline")).all()
        assert len(imported) == 2 and {c.status for c in imported} == {"internal"}
        assert db.session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "comments.import"))["via"] == "api"
    assert "热线：" not in client.get("/api/v1/comments").get_data(as_text=True)


@pytest.mark.parametrize("payload,fields", [
    ({}, {"external_id", "channel", "records"}),
    ({"external_id": 5, "channel": "web", "records": "text"}, {"external_id", "channel", "records"}),
    ({"external_id": "x" * 101, "channel": "letter", "records": [{"text": "ok"}]}, {"external_id"}),
    ({"external_id": "a", "channel": "letter", "records": []}, {"records"}),
    ({"external_id": "a", "channel": "letter", "records": [{"text": 1}, "x", {"date": "2026-01-01"}]}, {"records[0]", "records[1]", "records[2]"}),
    ({"external_id": "a", "channel": "letter", "records": [{"text": "x"}] * 5001}, {"records"}),
])
def test_wrong_import_bodies_are_422_with_field_errors(any_app: Flask, make_user, make_plan, payload: dict, fields: set[str]) -> None:  # type: ignore[no-untyped-def]
    ids = seed(any_app, make_plan)
    secret = token_for(any_app, _staff(any_app, make_user), ["imports:write"])
    response = _post(any_app.test_client(), f"/api/v1/staff/plans/{ids['plan']}/imports", payload, secret)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert {e["field"] for e in response.get_json()["errors"]} == fields


def test_bodies_that_are_not_json_objects_are_refused(any_app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    ids = seed(any_app, make_plan)
    secret = token_for(any_app, _staff(any_app, make_user), ALL)
    client = any_app.test_client()
    url = f"/api/v1/staff/plans/{ids['plan']}/imports"
    cases = [
        (dict(data="external_id=1", content_type="application/x-www-form-urlencoded"), 415),
        (dict(data="{not json", content_type="application/json"), 400),
        (dict(data=b"\xff\xfe{}", content_type="application/json"), 400),
        (dict(data="[1, 2]", content_type="application/json"), 400),
        (dict(data="[" * 100000 + "]" * 100000, content_type="application/json"), 400),
        (dict(data='{"a": "' + "x" * (2 * 1024 * 1024) + '"}', content_type="application/json"), 413),
    ]
    for kwargs, status in cases:
        response = client.post(url, headers=bearer(secret), **kwargs)
        assert response.status_code == status and response.mimetype == PROBLEM, (status, response.get_data(as_text=True)[:200])


def test_tokens_need_the_scope_and_must_be_valid_unrevoked_unexpired_and_staff(any_app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.api import tokens
    from consult.api.models import ApiToken
    from consult.core.models import User
    from consult.extensions import db

    ids = seed(any_app, make_plan)
    user_id = _staff(any_app, make_user)
    client = any_app.test_client()
    url, payload = _import(ids["plan"])
    reader = token_for(any_app, user_id, ["answers:read"])
    assert _post(client, url, payload, reader).status_code == 403
    for header in ("", "Bearer", "Bearer cst_", "Basic abc", "Bearer cst_zz_yy", f"Bearer {reader}x", f"bearer {reader[:-2]}", "Bearer " + "a" * 10000):
        response = client.post(url, data="{}", content_type="application/json", headers={"Authorization": header} if header else {})
        assert response.status_code == 401 and response.mimetype == PROBLEM and response.headers["WWW-Authenticate"].startswith("Bearer")
    writer = token_for(any_app, user_id, ["imports:write"])
    with any_app.app_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == writer.split("_")[1]))
        tokens.revoke(db.session.get(User, user_id), token.id)
        db.session.commit()
    assert _post(client, url, payload, writer).status_code == 401
    expiring = token_for(any_app, user_id, ["imports:write"], days=1)
    with any_app.app_context():
        db.session.scalar(select(ApiToken).where(ApiToken.prefix == expiring.split("_")[1])).expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    assert _post(client, url, payload, expiring).status_code == 401
    demoted = token_for(any_app, user_id, ["imports:write"])
    with any_app.app_context():
        db.session.get(User, user_id).role = "citizen"
        db.session.commit()
    assert _post(client, url, payload, demoted).status_code == 401


def test_only_staff_may_create_tokens_and_scopes_are_checked(any_app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.api import tokens
    from consult.core.models import User
    from consult.core.web.errors import ServiceError
    from consult.extensions import db

    citizen = _staff(any_app, make_user, role="citizen")
    staff = _staff(any_app, make_user)
    with any_app.app_context():
        with pytest.raises(ServiceError) as refused:
            tokens.create(db.session.get(User, citizen), name="x", scopes=["answers:read"], days=30)
        assert refused.value.status == 403
        for scopes, days in ((["admin:all"], 30), ([], 30), (["answers:read"], 0), (["answers:read"], 400)):
            with pytest.raises(ServiceError):
                tokens.create(db.session.get(User, staff), name="x", scopes=scopes, days=days)


def test_a_department_token_reaches_only_its_departments_plans(any_app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    ids = seed(any_app, make_plan)
    own_user = _staff(any_app, make_user, role="department", department="部门丙")
    with any_app.app_context():
        from consult.core.models import User
        from consult.extensions import db
        from consult.plans.models import Plan

        db.session.get(User, own_user).department_id = db.session.get(Plan, ids["plan"]).department_id
        db.session.commit()
    own = token_for(any_app, own_user, ALL)
    other = token_for(any_app, _staff(any_app, make_user, role="department", department="部门乙"), ALL)
    client = any_app.test_client()
    url, payload = _import(ids["plan"])
    assert _post(client, url, payload, other).status_code == 404
    assert client.get(f"/api/v1/staff/plans/{ids['plan']}/answers", headers=bearer(other)).status_code == 404
    assert _post(client, f"/api/v1/staff/plans/{ids['plan']}/answers", {"comment_ids": [ids["public"]], "status": "adopted", "text": "好"}, other).status_code == 404
    assert _post(client, url, payload, own).status_code == 201
    assert client.get(f"/api/v1/staff/plans/{ids['plan']}/answers", headers=bearer(own)).status_code == 200


def test_answers_are_read_and_written_with_the_workbench_rules(any_app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.extensions import db
    from consult.responses.models import Response

    ids = seed(any_app, make_plan)
    secret = token_for(any_app, _staff(any_app, make_user), ["answers:read", "answers:write"])
    client = any_app.test_client()
    url = f"/api/v1/staff/plans/{ids['plan']}/answers"
    listed = client.get(url, headers=bearer(secret))
    assert listed.status_code == 200 and listed.headers["Cache-Control"].startswith("private")
    assert {a["comment_id"] for a in listed.get_json()["data"]} == {ids["public"], ids["letter"]}
    written = _post(client, url, {"comment_ids": [ids["second"], ids["letter"]], "status": "not_adopted", "text": "暂不采纳", "reason": "与上位法不符"}, secret)
    assert written.status_code == 201 and written.get_json() == {"answered": 2}
    with any_app.app_context():
        assert db.session.get(Response, db.session.scalar(select(Response.id).where(Response.comment_id == ids["second"]))).reason == "与上位法不符"
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "response.reply")) == 1
    no_reason = _post(client, url, {"comment_ids": [ids["second"]], "status": "not_adopted", "text": "不采纳"}, secret)
    assert no_reason.status_code == 400 and "理由" in no_reason.get_json()["detail"]
    for bad in ({"comment_ids": [ids["pending"]], "status": "adopted", "text": "x"}, {"comment_ids": [ids["draft_comment"]], "status": "adopted", "text": "x"},
                {"comment_ids": [ids["second"]], "status": "maybe", "text": "x"}, {"cluster": "D9-T1-I1", "status": "adopted", "text": "x"}):
        response = _post(client, url, bad, secret)
        assert response.status_code in (400, 404) and response.mimetype == PROBLEM, bad
    for bad in ({"comment_ids": "1", "status": "adopted", "text": "x"}, {"comment_ids": [True], "status": "adopted", "text": "x"},
                {"comment_ids": [1.5], "status": 3, "text": ["x"]}, {"comment_ids": [2**40], "status": "adopted", "text": "x"}):
        assert _post(client, url, bad, secret).status_code == 422, bad
    assert _post(client, url, {"comment_ids": [ids["second"]], "status": "adopted", "text": "x"}, token_for(any_app, _staff(any_app, make_user), ["answers:read"])).status_code == 403


def test_digests_are_read_masked_and_scoped(any_app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.digests.models import Digest
    from consult.extensions import db

    ids = seed(any_app, make_plan)
    with any_app.app_context():
        digest = Digest(plan_id=ids["plan"], status="done", result={"themes": [{"label": "电话 13912345678 的问题", "issues": []}]})
        db.session.add(digest)
        db.session.commit()
        digest_id = digest.id
    secret = token_for(any_app, _staff(any_app, make_user), ["digests:read"])
    client = any_app.test_client()
    listed = client.get(f"/api/v1/staff/plans/{ids['plan']}/digests", headers=bearer(secret)).get_json()["data"]
    assert [d["id"] for d in listed] == [digest_id]
    detail = client.get(f"/api/v1/staff/digests/{digest_id}", headers=bearer(secret))
    assert detail.status_code == 200 and "13912345678" not in detail.get_data(as_text=True) and detail.get_json()["result"]["themes"]
    assert client.get("/api/v1/staff/digests/999999", headers=bearer(secret)).status_code == 404
    assert client.get(f"/api/v1/staff/digests/{digest_id}", headers=bearer(token_for(any_app, _staff(any_app, make_user), ["answers:read"]))).status_code == 403


def test_token_writes_need_no_csrf_but_a_browser_session_never_authenticates_them(any_app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    ids = seed(any_app, make_plan)
    _, email, password = make_user(role="staff")
    client = any_app.test_client()
    login(client, email, password)
    url, payload = _import(ids["plan"])
    assert _post(client, url, payload, None).status_code == 401  # the cookie alone does nothing
    assert client.post("/account/api-tokens/", data={"name": "x", "scopes": ["answers:read"], "days": "30"}).status_code == 400  # CSRF still guards the page
