"""Forum posts with listed sensitive words wait hidden for review, never dropped, disguises included."""

from __future__ import annotations

from sqlalchemy import select

from tests.integration.test_forums import _board_of, _client, _post, _reply, _thread


def _words(app, make_user, words: str) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.moderation import operations as moderation

    staff_id, _login, _pw = make_user(role="staff")
    with app.app_context():
        moderation.add_words(words, db.session.get(User, staff_id))
        db.session.commit()


def test_disguised_word_holds_a_thread_until_staff_keep_it(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.forums.models import Post, Thread
    from consult.moderation.models import Flag
    from consult.plans.models import Comment

    plan_id = make_plan(department="市发展改革委")
    _words(any_app, make_user, "违规集资")
    alice, _alice_id = _client(any_app, make_user)
    board_id = _board_of(alice, plan_id)
    # Traditional characters, a full-width letter-free split and a zero-width space: still caught.
    held = _post(alice, f"/forums/boards/{board_id}/threads", title="關於集資的疑問", body="有人在搞違規\u200b集資，怎么办？")
    assert held.status_code == 302 and "审核通过后公开" in alice.get(held.headers["Location"]).get_data(as_text=True)
    with any_app.app_context():
        thread = db.session.scalar(select(Thread).where(Thread.title == "關於集資的疑問"))
        opener = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
        assert thread.hidden and opener.hidden and opener.hidden_reason == "words"  # stored, not dropped
        report = db.session.scalar(select(Flag).where(Flag.target_id == opener.id, Flag.target_type == "forum_post"))
        assert report.user_id is None and "违规集资" in report.reason
        assert db.session.scalar(select(Comment.status).where(Comment.origin_id == opener.id, Comment.origin_type == "forum_post")) == "rejected"
        thread_id, opener_id = thread.id, opener.id
    assert "關於集資的疑問" not in any_app.test_client().get(f"/forums/boards/{board_id}").get_data(as_text=True)

    staff, _staff_id = _client(any_app, make_user, role="staff")
    queue = staff.get("/forums/moderation").get_data(as_text=True)
    assert "違規" in queue and "含敏感词：违规集资" in queue
    kept = _post(staff, f"/forums/posts/{opener_id}/resolve", value="1")
    assert kept.status_code in (302, 303)
    with any_app.app_context():
        assert not db.session.get(Thread, thread_id).hidden and not db.session.get(Post, opener_id).hidden
        assert db.session.scalar(select(Comment.status).where(Comment.origin_id == opener_id, Comment.origin_type == "forum_post")) == "internal"
    assert "關於集資的疑問" in any_app.test_client().get(f"/forums/boards/{board_id}").get_data(as_text=True)


def test_a_held_reply_tells_nobody_and_an_ordinary_one_still_does(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Notification
    from consult.extensions import db
    from consult.forums.models import Post

    plan_id = make_plan()
    _words(any_app, make_user, "违规集资")
    alice, alice_id = _client(any_app, make_user)
    bob, _bob_id = _client(any_app, make_user)
    thread_id = _thread(alice, _board_of(alice, plan_id))
    assert _reply(bob, thread_id, "这是ＷＷ违规集资吗").status_code == 302
    with any_app.app_context():
        assert db.session.scalar(select(Post.hidden).order_by(Post.id.desc()).limit(1)) is True
        assert db.session.scalar(select(db.func.count(Notification.id)).where(Notification.user_id == alice_id)) == 0
    assert _reply(bob, thread_id, "赞同延长公示期").status_code == 302
    with any_app.app_context():
        assert db.session.scalar(select(db.func.count(Notification.id)).where(Notification.user_id == alice_id)) == 1
