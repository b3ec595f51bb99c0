"""Forum reports are weighed: new accounts count half, staff posts are never hidden by reports,
and a day's reports are limited per account and per address."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from consult.accounts import operations as accounts
from consult.core.models import User
from consult.extensions import db
from consult.forums.models import Post
from tests.conftest import _make_app, login, seed_open_plan
from tests.integration.test_forums import _board_of, _client, _last_post_id, _post, _reply, _thread


def _age_all(app, days: int) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session.execute(update(User).values(created_at=datetime.now(UTC) - timedelta(days=days)))
        db.session.commit()


def _hidden(app, post_id: int) -> bool:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.get(Post, post_id).hidden


def _report(clients, post_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [_post(c, f"/forums/posts/{post_id}/flag", reason="不喜欢").status_code for c in clients]


def test_three_brand_new_accounts_cannot_hide_a_post(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    author, _ = _client(app, make_user)
    _age_all(app, 30)
    thread_id = _thread(author, _board_of(author, plan_id))
    assert _reply(author, thread_id, "一条正常的意见").status_code == 302
    post_id = _last_post_id(app)
    fresh = [_client(app, make_user)[0] for _ in range(3)]  # made today
    assert _report(fresh, post_id) == [303, 303, 303]
    assert not _hidden(app, post_id)  # 3 × ½
    more = [_client(app, make_user)[0] for _ in range(3)]
    assert _report(more, post_id) == [303, 303, 303]
    assert _hidden(app, post_id)  # six new accounts: held for review


def test_reports_never_hide_a_staff_post(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    staff, _ = _client(app, make_user, role="staff")
    thread_id = _thread(staff, _board_of(staff, plan_id), title="关于公示期的说明", body="公示期为三十日，依据是……")
    post_id = _last_post_id(app)
    reporters = [_client(app, make_user)[0] for _ in range(4)]
    _age_all(app, 30)
    assert _report(reporters, post_id) == [303] * 4
    assert not _hidden(app, post_id)
    assert thread_id


def test_a_days_reports_are_limited_per_account(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    app.config["REPORT_ACCOUNT_DAILY_LIMIT"] = 2
    try:
        plan_id = make_plan()
        author, _ = _client(app, make_user)
        reporter, _ = _client(app, make_user)
        thread_id = _thread(author, _board_of(author, plan_id))
        post_ids = []
        for n in range(3):
            assert _reply(author, thread_id, f"第{n}条回复").status_code == 302
            post_ids.append(_last_post_id(app))
        statuses = [_post(reporter, f"/forums/posts/{p}/flag").status_code for p in post_ids]
        assert statuses[:2] == [303, 303] and statuses[2] == 429
    finally:
        app.config["REPORT_ACCOUNT_DAILY_LIMIT"] = 10



def test_a_days_reports_are_limited_per_address(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Fresh accounts behind one address cannot sweep a forum: the address runs out first.
    (The budget lives in the rate limiter's storage, so this app has rate limits on.)"""
    limited = _make_app(tmp_path, f"sqlite:///{tmp_path / 'limited.sqlite'}", RATELIMIT_ENABLED=True, REPORT_IP_DAILY_LIMIT=2)
    _citizen_id, plan_id = seed_open_plan(limited)
    _age_all(limited, 30)

    def browser(address: str):  # type: ignore[no-untyped-def]
        client = limited.test_client()
        client.environ_base["REMOTE_ADDR"] = address  # from login on, as a browser behind that address
        with limited.app_context():
            login_name = f"r{uuid.uuid4().hex[:10]}@example.com"
            user = accounts.register(login_name, "Str0ng-passphrase!", "举报人")
            user.verified_at = datetime.now(UTC)
            db.session.commit()
        login(client, login_name, "Str0ng-passphrase!")
        return client

    author = limited.test_client()
    login(author, "c@example.com", "password123")
    thread_id = _thread(author, _board_of(author, plan_id))
    assert _reply(author, thread_id, "一条正常的回复").status_code == 302
    post_id = _last_post_id(limited)
    shared = [browser("203.0.113.77") for _ in range(3)]
    assert _report(shared, post_id) == [303, 303, 429]
    assert _report([browser("198.51.100.9")], post_id) == [303]  # another address has its own budget
