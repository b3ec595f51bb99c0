"""Support and oppose: one vote per person, changeable, counts updated."""

from __future__ import annotations

from tests.conftest import csrf_from, login


def _comment(app, make_user, plan_id: int) -> int:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    author_id, _, _ = make_user()
    with app.app_context():
        comment, _ = comments.post_comment(user=db.session.get(User, author_id), plan=db.session.get(Plan, plan_id), body="别人的意见")
        db.session.commit()
        return comment.id


def _vote(client, plan_id, comment_id, value, json=True):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(f"/plans/{plan_id}").get_data(as_text=True))
    headers = {"Accept": "application/json"} if json else {}
    return client.post(f"/plans/comments/{comment_id}/vote", data={"csrf_token": token, "value": value}, headers=headers)


def test_vote_once_change_and_withdraw(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    comment_id = _comment(any_app, make_user, plan_id)
    client = any_app.test_client()
    _, email, password = make_user()
    login(client, email, password)

    assert _vote(client, plan_id, comment_id, "support").get_json() == {"support": 1, "oppose": 0, "mine": 1}
    assert _vote(client, plan_id, comment_id, "support").get_json()["support"] == 1  # still one vote
    assert _vote(client, plan_id, comment_id, "oppose").get_json() == {"support": 0, "oppose": 1, "mine": -1}
    assert _vote(client, plan_id, comment_id, "clear").get_json() == {"support": 0, "oppose": 0, "mine": 0}

    other = any_app.test_client()
    _, email2, password2 = make_user()
    login(other, email2, password2)
    _vote(client, plan_id, comment_id, "support")
    assert _vote(other, plan_id, comment_id, "support").get_json()["support"] == 2
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert 'class="count support-count">2<' in page


def test_bad_votes_are_refused(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    comment_id = _comment(app, make_user, plan_id)
    client = app.test_client()
    _, email, password = make_user()
    login(client, email, password)
    response = _vote(client, plan_id, comment_id, "love")
    assert response.status_code == 400 and "无效的投票" in response.get_json()["error"]
    assert _vote(client, plan_id, 999999, "support").status_code == 404
    anonymous = app.test_client()
    token = csrf_from(anonymous.get(f"/plans/{plan_id}").get_data(as_text=True))
    assert anonymous.post(f"/plans/comments/{comment_id}/vote", data={"csrf_token": token, "value": "support"}).status_code == 302


def test_cannot_vote_on_own_comment(app, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan()
    with app.app_context():
        user = accounts.register("self@example.com", "password123", "自己")
        from datetime import UTC, datetime

        user.verified_at = datetime.now(UTC)
        comment, _ = comments.post_comment(user=user, plan=db.session.get(Plan, plan_id), body="我的意见")
        db.session.commit()
        comment_id = comment.id
    client = app.test_client()
    login(client, "self@example.com", "password123")
    response = _vote(client, plan_id, comment_id, "support")
    assert response.status_code == 400
    assert "自己" in response.get_json()["error"]
