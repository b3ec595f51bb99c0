"""Rate limits on public writes answer 429 with a clear message and keep what was accepted."""

from __future__ import annotations

from datetime import UTC, datetime
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


@pytest.mark.redis
def test_limits_on_redis_count_per_account_and_address_and_survive_an_outage(tmp_path: Path) -> None:
    """On Redis (production) the windows are counted in one script: same answers as one by one."""
    from consult.extensions import db, limiter
    from consult.plans.models import Comment
    from tests.support.services import private_redis

    with private_redis() as redis:
        app = _make_app(tmp_path, f"sqlite:///{tmp_path / 'redis-limits.sqlite'}", RATELIMIT_ENABLED=True,
                        RATELIMIT_STORAGE_URI=redis.url, RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
                        COMMENT_RATE_LIMIT="3 per minute", COMMENT_IP_RATE_LIMIT="5 per minute")
        limiter.enabled = True
        try:
            _, plan_id = seed_open_plan(app)
            with app.app_context():
                from consult.accounts import operations as accounts

                accounts.register("d@example.com", "password123", "市民二").verified_at = datetime.now(UTC)
                db.session.commit()

            def signed_in(email: str):  # type: ignore[no-untyped-def]
                client = app.test_client()
                token = csrf_from(client.get("/account/login").get_data(as_text=True))
                assert client.post("/account/login", data={"csrf_token": token, "login": email, "password": "password123"}).status_code == 302
                return client, csrf_from(client.get(f"/plans/{plan_id}").get_data(as_text=True))

            first, token = signed_in("c@example.com")
            answers = [first.post(f"/plans/{plan_id}/comments", data={"csrf_token": token, "body": f"第{i}条意见"}) for i in range(4)]
            assert [a.status_code for a in answers] == [302, 302, 302, 429]
            assert answers[0].headers["X-RateLimit-Limit"] == "5" and answers[0].headers["X-RateLimit-Remaining"] == "4"
            refused = answers[3]
            assert "每分钟最多 3 次" in refused.get_data(as_text=True) and 0 < int(refused.headers["Retry-After"]) <= 60
            assert refused.headers["X-RateLimit-Limit"] == "3" and refused.headers["X-RateLimit-Remaining"] == "0"
            # The address counted all four; another account behind it has one left, then the address limit.
            second, token = signed_in("d@example.com")
            statuses = [second.post(f"/plans/{plan_id}/comments", data={"csrf_token": token, "body": f"另一人{i}"}).status_code for i in range(2)]
            assert statuses == [302, 429]
            redis.kill()  # the store goes away: counted in memory meanwhile, never a 500
            assert second.post(f"/plans/{plan_id}/comments", data={"csrf_token": token, "body": "存储中断时"}).status_code == 302
            with app.app_context():
                assert db.session.scalar(select(func.count()).select_from(Comment)) == 5
        finally:
            limiter.enabled = False
