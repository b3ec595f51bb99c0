"""Rate limits on public writes answer 429 with a clear message and keep what was accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import _make_app, csrf_from, seed_open_plan


@pytest.fixture
def limited_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return _make_app(tmp_path, f"sqlite:///{tmp_path / 'limits.sqlite'}", RATELIMIT_ENABLED=True, COMMENT_RATE_LIMIT="10 per minute")


def test_comments_are_limited_per_account(limited_app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment

    _, plan_id = seed_open_plan(limited_app)
    client = limited_app.test_client()
    token = csrf_from(client.get("/account/login").get_data(as_text=True))
    assert client.post("/account/login", data={"csrf_token": token, "login": "c@example.com", "password": "password123"}).status_code == 302
    token = csrf_from(client.get(f"/plans/{plan_id}").get_data(as_text=True))
    statuses = [client.post(f"/plans/{plan_id}/comments", data={"csrf_token": token, "body": f"第{i}条意见"}).status_code for i in range(15)]
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429] * 5
    refused = client.post(f"/plans/{plan_id}/comments", data={"csrf_token": token, "body": "再来一条"})
    assert "操作过于频繁" in refused.get_data(as_text=True) and 0 < int(refused.headers["Retry-After"]) <= 60
    with limited_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 10


def test_login_is_throttled_per_account(limited_app) -> None:  # type: ignore[no-untyped-def]
    seed_open_plan(limited_app)
    client = limited_app.test_client()
    token = csrf_from(client.get("/account/login").get_data(as_text=True))
    codes = [client.post("/account/login", data={"csrf_token": token, "login": "c@example.com", "password": "wrong-one"}).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    other = limited_app.test_client()  # another account from the same address still gets its attempts
    token = csrf_from(other.get("/account/login").get_data(as_text=True))
    assert other.post("/account/login", data={"csrf_token": token, "login": "staff@example.com", "password": "password123"}).status_code == 302
