"""The inbox page: unread badge in the nav, pagination, mark read, mark all read, only one's own."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_from, login


def _notify(app, user_id, n, link=""):  # type: ignore[no-untyped-def]
    from consult.core import notifications
    from consult.extensions import db

    with app.app_context():
        ids = [notifications.notify(user_id, "reply", f"通知{i:02d}", "正文", link).id for i in range(n)]
        db.session.commit()
        return ids


def _badge(html: str) -> str | None:
    match = re.search(r'class="badge unread-count"[^>]*>([^<]+)<', html)
    return match.group(1) if match else None


def test_inbox_lists_paginates_and_marks_read(any_app, make_user) -> None:  # type: ignore[no-untyped-def]
    user_id, email, password = make_user()
    other_id, _, _ = make_user()
    client = any_app.test_client()
    login(client, email, password)
    assert _badge(client.get("/").get_data(as_text=True)) is None
    ids = _notify(any_app, user_id, 25, "/plans/1")
    (foreign,) = _notify(any_app, other_id, 1)

    home = client.get("/").get_data(as_text=True)
    assert _badge(home) == "25"
    first = client.get("/account/notifications").get_data(as_text=True)
    assert "通知24" in first and "通知05" in first and "通知04" not in first  # newest first, 20 a page
    assert "通知04" in client.get("/account/notifications?page=2").get_data(as_text=True)

    token = csrf_from(first)
    assert client.post("/account/notifications/read", data={"csrf_token": token, "ids": [str(ids[0]), str(foreign)]}).status_code == 303
    assert _badge(client.get("/").get_data(as_text=True)) == "24"

    # Opening one marks it read and follows its same-site link.
    response = client.get(f"/account/notifications/{ids[1]}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/plans/1")
    assert _badge(client.get("/").get_data(as_text=True)) == "23"
    assert client.get(f"/account/notifications/{foreign}").status_code == 404  # another user's entry

    assert client.post("/account/notifications/read", data={"csrf_token": token, "all": "1"}).status_code == 303
    assert _badge(client.get("/").get_data(as_text=True)) is None

    from consult.core.models import Notification
    from consult.extensions import db

    with any_app.app_context():
        assert db.session.scalar(select(Notification.read_at).where(Notification.id == foreign)) is None


def test_inbox_refuses_bad_input_and_strangers(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user_id, email, password = make_user()
    (evil,) = _notify(app, user_id, 1, "https://evil.example/phish")
    anonymous = app.test_client()
    assert anonymous.get("/account/notifications").status_code == 302
    assert anonymous.get("/account/comments").status_code == 302
    client = app.test_client()
    login(client, email, password)
    token = csrf_from(client.get("/account/notifications").get_data(as_text=True))
    assert client.post("/account/notifications/read", data={"csrf_token": token}).status_code == 400
    assert client.post("/account/notifications/read", data={"csrf_token": token, "ids": "x1"}).status_code == 400
    assert client.post("/account/notifications/read", data={"ids": str(evil)}).status_code == 400  # no CSRF token
    assert client.get("/account/notifications?page=abc").status_code == 400
    assert client.get("/account/notifications?page=999").status_code == 200  # clamped to the last page
    # A link to another site is never followed.
    assert "evil.example" not in client.get(f"/account/notifications/{evil}").headers["Location"]
