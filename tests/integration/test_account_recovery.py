"""Session lifetimes, getting back into an account, and registrations that reveal nothing."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from consult.accounts import operations as accounts
from consult.core.models import LoginSession, User
from consult.extensions import db
from tests.conftest import csrf_from, login


def _age_sessions(app, user_id: int, *, created: timedelta, seen: timedelta) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    with app.app_context():
        db.session.execute(update(LoginSession).where(LoginSession.user_id == user_id).values(created_at=now - created, last_seen_at=now - seen))
        db.session.commit()


def _signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    return client.get("/account/").status_code == 200


def test_staff_sessions_time_out_after_30_idle_minutes_citizens_do_not(app, make_user) -> None:  # type: ignore[no-untyped-def]
    staff_id, staff_login, password = make_user(role="staff")
    citizen_id, citizen_login, _ = make_user()
    staff, citizen = app.test_client(), app.test_client()
    login(staff, staff_login, password)
    login(citizen, citizen_login, password)
    for user_id in (staff_id, citizen_id):
        _age_sessions(app, user_id, created=timedelta(minutes=40), seen=timedelta(minutes=31))
    assert not _signed_in(staff)
    assert _signed_in(citizen)


def test_every_session_ends_at_its_absolute_lifetime_even_when_busy(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user_id, email, password = make_user()
    client = app.test_client()
    login(client, email, password)
    _age_sessions(app, user_id, created=timedelta(days=29), seen=timedelta(seconds=5))
    assert _signed_in(client)
    _age_sessions(app, user_id, created=timedelta(days=31), seen=timedelta(seconds=5))
    assert not _signed_in(client)


def test_activity_keeps_a_session_alive_and_remember_me_lasts_30_days(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user_id, email, password = make_user(role="staff")
    client = app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    response = client.post("/account/login", data={"csrf_token": csrf_from(page), "login": email, "password": password, "remember": "y"})
    cookie = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookie if c.startswith("remember_token="))
    expires = datetime.strptime(re.search(r"Expires=([^;]+)", remember).group(1), "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30, minutes=1)
    _age_sessions(app, user_id, created=timedelta(hours=1), seen=timedelta(minutes=20))
    assert _signed_in(client)  # 20 idle minutes: still in, and this request counts as activity
    with app.app_context():
        seen = db.session.scalar(select(LoginSession.last_seen_at).where(LoginSession.user_id == user_id))
    assert datetime.now(UTC) - seen < timedelta(minutes=1)


def _codes(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r"verification code for .*?: (\d{6})", caplog.text)


def test_password_reset_by_code_logs_out_everywhere(app, make_user, caplog) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user()
    old = app.test_client()
    login(old, email, password)
    client = app.test_client()
    page = client.get("/account/reset").get_data(as_text=True)
    with caplog.at_level(logging.INFO, logger="consult.verification"):
        response = client.post("/account/reset", data={"csrf_token": csrf_from(page), "login": email})
        stranger = app.test_client()
        unknown = stranger.post("/account/reset", data={"csrf_token": csrf_from(stranger.get("/account/reset").get_data(as_text=True)), "login": "nobody@example.com"})
    assert response.status_code == 302 and unknown.status_code == 302  # the same answer for a login nobody has
    (code,) = _codes(caplog)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert email in page  # the login is filled in
    bad = client.post("/account/reset/confirm", data={"csrf_token": csrf_from(page), "login": email, "code": code, "password": "12345678", "confirm": "12345678"})
    assert bad.status_code == 400 and "太常见" in bad.get_data(as_text=True) and email in bad.get_data(as_text=True)
    done = client.post("/account/reset/confirm", data={"csrf_token": csrf_from(page), "login": email, "code": code, "password": "n3w-secret-pw", "confirm": "n3w-secret-pw"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/login")
    assert not _signed_in(old)
    again = client.post("/account/reset/confirm", data={"csrf_token": csrf_from(page), "login": email, "code": code, "password": "an0ther-pw-9", "confirm": "an0ther-pw-9"})
    assert again.status_code == 400  # a code works once
    login(app.test_client(), email, "n3w-secret-pw")


def test_a_registration_code_cannot_reset_a_password(app, client, caplog) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/account/register").get_data(as_text=True)
    with caplog.at_level(logging.INFO, logger="consult.verification"):
        client.post("/account/register", data={"csrf_token": csrf_from(page), "login": "13900001111", "password": "s3cret-pass", "confirm": "s3cret-pass"})
    (code,) = _codes(caplog)
    other = app.test_client()
    page = other.get("/account/reset/confirm?login=13900001111").get_data(as_text=True)
    response = other.post("/account/reset/confirm", data={"csrf_token": csrf_from(page), "login": "13900001111", "code": code, "password": "n3w-secret-pw", "confirm": "n3w-secret-pw"})
    assert response.status_code == 400


def test_change_password_needs_the_current_one_and_ends_other_sessions(app, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, email, password)
    login(elsewhere, email, password)
    token = csrf_from(here.get("/account/").get_data(as_text=True))
    wrong = here.post("/account/password", data={"csrf_token": token, "current": "not-it-at-all", "password": "n3w-secret-pw", "confirm": "n3w-secret-pw"})
    assert wrong.status_code == 401 and "当前密码不正确" in wrong.get_data(as_text=True)
    ok = here.post("/account/password", data={"csrf_token": token, "current": password, "password": "n3w-secret-pw", "confirm": "n3w-secret-pw"})
    assert ok.status_code == 302
    assert _signed_in(here) and not _signed_in(elsewhere)
    login(app.test_client(), email, "n3w-secret-pw")


def test_change_display_name_keeps_input_on_errors(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user_id, email, password = make_user()
    client = app.test_client()
    login(client, email, password)
    token = csrf_from(client.get("/account/").get_data(as_text=True))
    bad = client.post("/account/name", data={"csrf_token": token, "pseudonym": "<b>老王</b>"})
    assert bad.status_code == 400 and "HTML" in bad.get_data(as_text=True) and "&lt;b&gt;老王&lt;/b&gt;" in bad.get_data(as_text=True)
    assert client.post("/account/name", data={"csrf_token": token, "pseudonym": "老王"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).pseudonym == "老王"


def _register(client, login_name: str, password: str, caplog) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/account/register").get_data(as_text=True)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="consult.verification"):
        response = client.post("/account/register", data={"csrf_token": csrf_from(page), "login": login_name, "password": password, "confirm": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return _codes(caplog)[0]


def _verify(client, code: str):  # type: ignore[no-untyped-def]
    page = client.get("/account/verify").get_data(as_text=True)
    return client.post("/account/verify", data={"csrf_token": csrf_from(page), "code": code})


def test_the_person_who_verifies_a_number_claims_it_from_an_unverified_squatter(app, caplog) -> None:  # type: ignore[no-untyped-def]
    squatter, owner = app.test_client(), app.test_client()
    _register(squatter, "13900002222", "squat-pass-1", caplog)  # never verified: the code went to the owner's phone
    code = _register(owner, "13900002222", "owner-pass-1", caplog)
    assert _verify(owner, code).status_code == 302 and _signed_in(owner)
    login(app.test_client(), "13900002222", "owner-pass-1")
    stranger = app.test_client()
    page = stranger.get("/account/login").get_data(as_text=True)
    response = stranger.post("/account/login", data={"csrf_token": csrf_from(page), "login": "13900002222", "password": "squat-pass-1"})
    assert response.status_code == 401


def test_unverified_registrations_expire_after_a_day(app, caplog) -> None:  # type: ignore[no-untyped-def]
    _register(app.test_client(), "stale@example.com", "s3cret-pass", caplog)
    with app.app_context():
        db.session.execute(update(User).where(User.email == "stale@example.com").values(created_at=datetime.now(UTC) - timedelta(hours=25)))
        db.session.commit()
    _register(app.test_client(), "fresh@example.com", "s3cret-pass", caplog)  # registering sweeps the stale ones
    with app.app_context():
        assert accounts.find_user("stale@example.com") is None
        assert accounts.find_user("fresh@example.com") is not None


def test_registration_refuses_common_passwords_and_keeps_the_input(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/account/register").get_data(as_text=True)
    for weak, message in (("12345678", "太常见"), ("password123", "太常见"), ("87654321", "太常见"), ("qwertyui", "连续"), ("19900307", "日期")):
        response = client.post("/account/register", data={"csrf_token": csrf_from(page), "login": "keep@example.com", "password": weak, "confirm": weak, "pseudonym": "留着的昵称"})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html, weak
        assert 'value="keep@example.com"' in html and "留着的昵称" in html


def test_login_runs_one_password_hash_whether_or_not_the_account_exists(app, client, make_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _, email, _ = make_user()
    calls: list[str] = []
    real = accounts.check_secret
    monkeypatch.setattr(accounts, "check_secret", lambda h, p: calls.append(h) or real(h, p))
    page = client.get("/account/login").get_data(as_text=True)
    for who in (email, "nobody-here@example.com"):
        response = client.post("/account/login", data={"csrf_token": csrf_from(page), "login": who, "password": "wrong-password"})
        assert response.status_code == 401 and "账号或密码不正确" in response.get_data(as_text=True)
    assert len(calls) == 2 and all(h.startswith(("scrypt:", "pbkdf2:")) for h in calls)


def test_staff_created_with_a_real_name_show_a_neutral_public_label(app) -> None:  # type: ignore[no-untyped-def]
    from consult.cli import main

    result = app.test_cli_runner().invoke(main, ["create-user", "--login", "li.si@office.gov.cn", "--password", "office-pass-7", "--role", "staff", "--name", "李四"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = accounts.find_user("li.si@office.gov.cn")
        assert user.real_name == "李四" and user.pseudonym == "工作人员"
    weak = app.test_cli_runner().invoke(main, ["create-user", "--login", "w@office.gov.cn", "--password", "12345678", "--role", "staff"])
    assert weak.exit_code != 0 and "太常见" in weak.output
