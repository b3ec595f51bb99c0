"""Forum reports are weighed: new accounts count half, staff posts are never hidden by reports,
and a day's reports are limited per account and per address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from consult.core.models import User
from consult.extensions import db
from consult.forums.models import Post
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
