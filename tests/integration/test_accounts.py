"""Registration with a one-time code, login, logout everywhere, and role checks on staff routes."""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import csrf_from, login


def _register(client, login_name: str, caplog) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/account/register").get_data(as_text=True)
    with caplog.at_level(logging.INFO, logger="consult.verification"):
        response = client.post(
            "/account/register",
            data={"csrf_token": csrf_from(page), "login": login_name, "password": "s3cret-pass", "confirm": "s3cret-pass", "pseudonym": "热心市民"},
        )
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"verification code for .*: (\d{6})", caplog.text)
    assert match, "the development sender logs the code"
    return match.group(1)


def _verify(client, code: str):  # type: ignore[no-untyped-def]
    page = client.get("/account/verify").get_data(as_text=True)
    return client.post("/account/verify", data={"csrf_token": csrf_from(page), "code": code})


@pytest.mark.parametrize("login_name", ["13812345678", "+86 138-1234-5679", "Citizen@Example.com"])
def test_register_and_verify_with_phone_or_email(app, client, caplog, login_name) -> None:  # type: ignore[no-untyped-def]
    code = _register(client, login_name, caplog)
    wrong = "000000" if code != "000000" else "111111"
    response = _verify(client, wrong)
    assert response.status_code == 400 and "验证码不正确" in response.get_data(as_text=True)
    assert _verify(client, code).status_code == 302
    from consult.core.models import User
    from consult.extensions import db

    with app.app_context():
        user = db.session.query(User).one()
        assert user.is_verified and user.pseudonym == "热心市民"
        assert "s3cret-pass" not in user.password_hash  # hashed


def test_code_attempts_are_limited(app, client, caplog) -> None:  # type: ignore[no-untyped-def]
    code = _register(client, "13900001111", caplog)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        _verify(client, wrong)
    response = _verify(client, code)
    assert response.status_code == 429
    assert "次数过多" in response.get_data(as_text=True)


def test_duplicate_and_malformed_registrations(app, client, caplog) -> None:  # type: ignore[no-untyped-def]
    assert _verify(client, _register(client, "dup@example.com", caplog)).status_code == 302
    other = app.test_client()
    page = other.get("/account/register").get_data(as_text=True)
    # An existing account is not revealed: the same "code sent" page, no code works, and the
    # owner is told instead.
    with caplog.at_level(logging.INFO):
        response = other.post("/account/register", data={"csrf_token": csrf_from(page), "login": "DUP@example.com", "password": "an0ther-pass", "confirm": "an0ther-pass"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/verify")
    assert "account notice for d***@example.com" in caplog.text  # the log masks the address
    assert "已注册" not in other.get("/account/verify").get_data(as_text=True)
    assert _verify(other, "123456").status_code == 400
    response = other.post("/account/register", data={"csrf_token": csrf_from(page), "login": "不是账号", "password": "password123", "confirm": "password123"})
    assert response.status_code == 400 and "有效的手机号码或电子邮箱" in response.get_data(as_text=True)
    response = other.post("/account/register", data={"csrf_token": csrf_from(page), "login": "a@b.cn", "password": "short", "confirm": "short"})
    assert response.status_code == 400 and "8 到 128" in response.get_data(as_text=True)


def test_wrong_password_and_logout_everywhere(app, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user()
    first, second = app.test_client(), app.test_client()
    page = first.get("/account/login").get_data(as_text=True)
    response = first.post("/account/login", data={"csrf_token": csrf_from(page), "login": email, "password": "wrong-password"})
    assert response.status_code == 401 and "账号或密码不正确" in response.get_data(as_text=True)
    login(first, email, password)
    login(second, email, password)
    assert "退出" in second.get("/").get_data(as_text=True)
    token = csrf_from(first.get("/").get_data(as_text=True))
    first.post("/account/logout-everywhere", data={"csrf_token": token})
    nav = second.get("/").get_data(as_text=True).split('<nav id="site-nav"')[1].split("</nav>")[0]
    assert "登录" in nav and "退出" not in nav


STAFF_ROUTES = [
    ("get", "/staff/"),
    ("get", "/staff/plans/new"),
    ("get", "/staff/plans/{plan}"),
    ("post", "/staff/plans/{plan}/publish"),
    ("post", "/staff/plans/{plan}/body"),
    ("post", "/staff/plans/{plan}/versions"),
    ("post", "/staff/plans/{plan}/clauses/1/merge"),
]


@pytest.mark.parametrize(("method", "route"), STAFF_ROUTES)
def test_staff_routes_check_roles(app, make_user, make_plan, method, route) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan(published=False)
    url = route.format(plan=plan_id)
    anonymous = app.test_client()
    token = csrf_from(anonymous.get("/account/login").get_data(as_text=True))
    response = getattr(anonymous, method)(url, data={"csrf_token": token})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]

    citizen = app.test_client()
    _, email, password = make_user()
    login(citizen, email, password)
    token = csrf_from(citizen.get("/").get_data(as_text=True))
    response = getattr(citizen, method)(url, data={"csrf_token": token})
    assert response.status_code == 403
    assert "没有访问该页面的权限" in response.get_data(as_text=True)


def test_department_staff_cannot_reach_another_departments_plan(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan(published=False, department="市委改革办")
    client = app.test_client()
    _, email, password = make_user(role="department", department="市教育局")
    login(client, email, password)
    assert client.get(f"/staff/plans/{plan_id}").status_code == 403
    assert "测试方案" not in client.get("/staff/").get_data(as_text=True)
    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    assert client.post(f"/staff/plans/{plan_id}/publish", data={"csrf_token": token}).status_code == 403


def test_unpublished_draft_is_hidden_from_the_public(app, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan(published=False)
    assert app.test_client().get(f"/plans/{plan_id}").status_code == 404


def test_create_user_cli(app) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    from consult.cli import main

    result = runner.invoke(main, ["create-user", "--login", "admin@office.gov.cn", "--password", "admin-pass-1", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert "has role admin" in result.output
    result = runner.invoke(main, ["create-user", "--login", "d@office.gov.cn", "--password", "x-pass-123", "--role", "department"])
    assert result.exit_code != 0 and "--department" in result.output
