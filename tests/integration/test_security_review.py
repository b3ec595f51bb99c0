"""Security review: sessions end for real, accounts can be deleted, cookies and HSTS in
production, personal data masked in logs, digests and exports, audit-log retention."""

from __future__ import annotations

import io
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import _make_app, csrf_from, login

# Mainland mobile numbers and 18-digit resident ID numbers, however they were written.
PHONE = re.compile(r"(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def _session_cookie(client) -> str:  # type: ignore[no-untyped-def]
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_logout_ends_the_session_even_for_a_copied_cookie(app, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user()
    client = app.test_client()
    login(client, email, password)
    stolen = _session_cookie(client)
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post("/account/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    page = thief.get("/account/")
    assert page.status_code == 302 and "/account/login" in page.headers["Location"]


def test_log_out_everywhere_ends_every_other_session(app, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user()
    phone, laptop = app.test_client(), app.test_client()
    login(phone, email, password)
    login(laptop, email, password)
    assert laptop.get("/account/").status_code == 200
    page = phone.get("/account/").get_data(as_text=True)
    assert "退出所有设备" in page
    phone.post("/account/logout-everywhere", data={"csrf_token": csrf_from(page)})
    assert laptop.get("/account/").status_code == 302
    assert phone.get("/account/").status_code == 302
    login(laptop, email, password)  # a fresh login works again
    assert laptop.get("/account/").status_code == 200


def test_account_deletion_keeps_comments_without_the_person(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import LoginSession, User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Comment, CommentVote, Plan

    plan_id = make_plan()
    leaving_id, email, password = make_user()
    other_id, _, _ = make_user()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        mine, _ = comments.post_comment(user=db.session.get(User, leaving_id), plan=plan, body="建议延长公示期", submission_id="s1")
        theirs, _ = comments.post_comment(user=db.session.get(User, other_id), plan=plan, body="同意方案")
        db.session.flush()
        comments.vote(db.session.get(User, leaving_id), theirs, 1)
        db.session.commit()
        mine_id, theirs_id = mine.id, theirs.id
    client = app.test_client()
    login(client, email, password)
    page = client.get("/account/").get_data(as_text=True)
    wrong = client.post("/account/delete", data={"csrf_token": csrf_from(page), "password": "not-my-password"})
    assert wrong.status_code == 401 and "密码不正确" in wrong.get_data(as_text=True)
    response = client.post("/account/delete", data={"csrf_token": csrf_from(page), "password": password}, follow_redirects=True)
    assert "账号已注销" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, leaving_id) is None
        kept = db.session.get(Comment, mine_id)
        assert kept.body == "建议延长公示期" and kept.user_id is None and kept.author_label == "已注销用户"
        assert db.session.get(Comment, theirs_id).support_count == 0  # their vote left with them
        assert db.session.scalar(select(func.count()).select_from(CommentVote)) == 0
        assert db.session.scalar(select(func.count()).select_from(LoginSession).where(LoginSession.user_id == leaving_id)) == 0
    public = app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "已注销用户" in public and email not in public
    assert client.get("/account/").status_code == 302  # and the session is gone
    again = app.test_client()
    page = again.get("/account/login").get_data(as_text=True)
    assert again.post("/account/login", data={"csrf_token": csrf_from(page), "login": email, "password": password}).status_code == 401


def test_staff_cannot_delete_their_own_account(app, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="staff")
    client = app.test_client()
    login(client, email, password)
    page = client.get("/account/").get_data(as_text=True)
    response = client.post("/account/delete", data={"csrf_token": csrf_from(page), "password": password})
    assert response.status_code == 403 and "管理员" in response.get_data(as_text=True)


def test_production_cookies_are_secure_and_hsts_is_sent(tmp_path: Path, make_user) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import seed_open_plan

    app = _make_app(tmp_path, f"sqlite:///{tmp_path / 'prod.sqlite'}", SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    seed_open_plan(app)
    client = app.test_client()
    home = client.get("/")
    assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    page = client.get("/account/login").get_data(as_text=True)
    response = client.post("/account/login", data={"csrf_token": csrf_from(page), "login": "c@example.com", "password": "password123", "remember": "y"})
    cookies = {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "Secure" in cookies[name] and "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name], cookies[name]


def test_passwords_are_stored_with_scrypt_unless_configured(tmp_path: Path) -> None:
    from consult.accounts import operations as accounts
    from consult.core.models import User
    from consult.extensions import db

    app = _make_app(tmp_path, f"sqlite:///{tmp_path / 'hash.sqlite'}", PASSWORD_HASH_METHOD=None)
    with app.app_context():
        accounts.register("hash@example.com", "a-long-pass-7", "测")
        db.session.commit()
        stored = db.session.scalar(db.select(User.password_hash).where(User.email == "hash@example.com"))
        assert stored.startswith("scrypt:") and "a-long-pass-7" not in stored
        assert accounts.authenticate("hash@example.com", "a-long-pass-7") is not None


def test_no_phone_or_id_number_in_logs_digests_or_exports(app, make_user, make_plan, caplog) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    people = ["13812345678", "139 1234 5678", "+86-137-1111-2222", "110101199003071234", "44030119851231123X"]
    plan_id = make_plan()
    staff = app.test_client()
    _, staff_email, staff_password = make_user(role="staff")
    login(staff, staff_email, staff_password)
    with caplog.at_level(logging.INFO):
        # A citizen registers with a phone number (the code is "sent" to the log) ...
        client = app.test_client()
        page = client.get("/account/register").get_data(as_text=True)
        client.post("/account/register", data={"csrf_token": csrf_from(page), "login": "13698765432", "password": "s3cret-pass-9", "confirm": "s3cret-pass-9"})
        logging.getLogger("consult.test").warning("lookup for %s failed\nforged line", "13512345678")
        user_id, _, _ = make_user()
        with app.app_context():
            plan = db.session.get(Plan, plan_id)
            for k in range(40):
                who = people[k % len(people)]
                comments.post_comment(user=db.session.get(User, user_id), plan=plan, body=f"停车难问题第{k}条，请联系我{who}，身份证号{people[3]}")
            digest, _ = digests.request_digest(plan)
            db.session.commit()
            assert digests.build(digest.id) == "done"
            digest_id = digest.id
            stored = str(db.session.get(Digest, digest_id).result)
        outputs = {"stored digest": stored, "digest page": staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)}
        outputs["html export"] = staff.get(f"/staff/digests/{digest_id}/export.html").get_data(as_text=True)
        docx = Document(io.BytesIO(staff.get(f"/staff/digests/{digest_id}/export.docx").data))
        outputs["docx export"] = "\n".join(p.text for p in docx.paragraphs)
        sheet = load_workbook(io.BytesIO(staff.get(f"/staff/digests/{digest_id}/export.xlsx").data)).worksheets[0]
        outputs["xlsx export"] = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    outputs["log"] = "\n".join(r.getMessage() for r in caplog.records)
    assert "verification code for 136****5432" in outputs["log"]
    assert "13512345678" not in outputs["log"] and "lookup for 135****5678 failed\\nforged line" in outputs["log"]
    for name, text in outputs.items():
        assert not PHONE.search(text), (name, PHONE.search(text))
        assert not ID_NUMBER.search(text), (name, ID_NUMBER.search(text))
    assert "138****5678" in outputs["xlsx export"] and "110***********1234" in outputs["xlsx export"]


def test_prune_audit_deletes_entries_older_than_the_retention(app) -> None:  # type: ignore[no-untyped-def]
    from consult.cli import main
    from consult.core.models import AuditEntry
    from consult.extensions import db

    assert app.config["AUDIT_RETENTION_DAYS"] == 3650
    now = datetime.now(UTC)
    with app.app_context():
        for days in (4000, 3651, 3649, 1):
            db.session.add(AuditEntry(actor_label="system", action="plan.publish", created_at=now - timedelta(days=days)))
        db.session.commit()
    result = app.test_cli_runner().invoke(main, ["prune-audit"])
    assert result.exit_code == 0 and "deleted 2 audit entries older than 3650 days" in result.output
    with app.app_context():
        ages = sorted((now - e.created_at).days for e in db.session.scalars(select(AuditEntry)))
        assert ages == [1, 3649]
