"""Guards a user notices: security headers, safe redirects, a database outage, staff mistakes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import _make_app, csrf_from, login


def test_pages_carry_security_headers_and_no_inline_script(client, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    for url in ("/", f"/plans/{plan_id}", "/account/register", "/search?q=改革"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url  # every script is a file
        assert "https://" not in html.split("<body")[0]  # no CDN in the head


def test_session_cookie_is_httponly_and_lax(app, make_user) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    _, email, password = make_user()
    page = client.get("/account/login").get_data(as_text=True)
    response = client.post("/account/login", data={"csrf_token": csrf_from(page), "login": email, "password": password})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_redirects_never_leave_the_site(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    _, email, password = make_user()
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        page = client.get("/account/login").get_data(as_text=True)
        response = client.post(f"/account/login?next={target}", data={"csrf_token": csrf_from(page), "login": email, "password": password})
        assert response.headers["Location"] == "/", target
    page = client.get("/account/login").get_data(as_text=True)
    response = client.post("/account/login?next=/search?q=x", data={"csrf_token": csrf_from(page), "login": email, "password": password})
    assert response.headers["Location"] == "/search?q=x"

    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan()
    author_id, _, _ = make_user()
    with app.app_context():
        comment, _ = comments.post_comment(user=db.session.get(User, author_id), plan=db.session.get(Plan, plan_id), body="别人的意见")
        db.session.commit()
        comment_id = comment.id
    token = csrf_from(client.get(f"/plans/{plan_id}").get_data(as_text=True))
    for referer, expected in (("https://evil.example/phish", f"/plans/{plan_id}"), (f"http://localhost/plans/{plan_id}?sort=support", f"/plans/{plan_id}?sort=support")):
        # A refused vote sends the voter back where they came from, but only within the site.
        response = client.post(f"/plans/comments/{comment_id}/vote", data={"csrf_token": token, "value": "love"}, headers={"Referer": referer})
        assert response.status_code == 303 and response.headers["Location"] == expected


def test_database_outage_gives_503_with_retry_after(tmp_path: Path) -> None:
    app = _make_app(tmp_path, f"sqlite:///{tmp_path / 'ok.sqlite'}")
    from consult.extensions import db

    with app.app_context():
        db.engine.dispose()
        # The database file disappears from under the running app (disk unmounted, volume lost).
        (tmp_path / "ok.sqlite").unlink()
        (tmp_path / "ok.sqlite").mkdir()
    client = app.test_client()
    for url in ("/", "/healthz"):
        response = client.get(url)
        assert response.status_code == 503
        assert response.headers.get("Retry-After") or url == "/healthz"
    assert "数据库暂时不可用" in client.get("/").get_data(as_text=True)


def test_staff_cannot_rewrite_a_commented_draft_or_publish_twice(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan()
    user_id, _, _ = make_user()
    with app.app_context():
        comments.post_comment(user=db.session.get(User, user_id), plan=db.session.get(Plan, plan_id), body="已有意见")
        db.session.commit()
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    token = csrf_from(staff.get(f"/staff/plans/{plan_id}").get_data(as_text=True))
    response = staff.post(f"/staff/plans/{plan_id}/body", data={"csrf_token": token, "body": "第一条 改写。"}, follow_redirects=True)
    assert "不能直接修改，请发布修订版本" in response.get_data(as_text=True)
    response = staff.post(f"/staff/plans/{plan_id}/publish", data={"csrf_token": token}, follow_redirects=True)
    assert "该方案已经发布" in response.get_data(as_text=True)
    with app.app_context():
        assert "为了规范管理" in db.session.get(Plan, plan_id).current_version.body


def test_failed_digest_is_shown_and_retried_in_place(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan()
    user_id, _, _ = make_user()
    with app.app_context():
        comments.post_comment(user=db.session.get(User, user_id), plan=db.session.get(Plan, plan_id), body="建议增加停车位")
        digest, _ = digests.request_digest(db.session.get(Plan, plan_id))
        digest.status, digest.error = "failed", "MemoryError: 内存不足"
        db.session.commit()
        failed_id = digest.id
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    page = staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
    assert "生成失败" in page and "内存不足" in page
    with app.app_context():
        again, created = digests.request_digest(db.session.get(Plan, plan_id))
        db.session.commit()
        assert created and again.id == failed_id and again.status == "queued"
        assert digests.build(failed_id) == "done"
        assert db.session.scalars(select(Digest.id)).all() == [failed_id]


@pytest.mark.parametrize("path", ["/plans/99999999999", "/plans/2147483648/clauses/1", "/forums/threads/99999999999", "/staff/plans/99999999999"])
def test_ids_beyond_the_database_range_are_a_404_not_a_database_error(any_app, path) -> None:  # type: ignore[no-untyped-def]
    assert any_app.test_client().get(path).status_code == 404
