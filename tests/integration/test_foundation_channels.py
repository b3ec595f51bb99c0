"""Shared foundation for the other channels: notifications, the audit log, mirrored opinions."""

from __future__ import annotations

import pytest
from sqlalchemy import select


def test_notify_fills_the_inbox_and_owes_an_email_only_when_there_is_an_address(any_app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core import notifications
    from consult.core.jobs import tasks
    from consult.core.models import Notification, OutboxEvent, User
    from consult.extensions import db

    user_id, _login, _pw = make_user()
    with any_app.app_context():
        phone_only = User(phone="13800001111", password_hash="x", pseudonym="甲")
        db.session.add(phone_only)
        db.session.flush()
        notifications.notify_many([user_id, user_id, phone_only.id], "reply", "您的意见有了答复", "正文", "/plans/1")
        db.session.commit()
        assert notifications.unread_count(user_id) == 1  # the repeated id is told once
        assert notifications.unread_count(phone_only.id) == 1
        owed = db.session.scalars(select(OutboxEvent).where(OutboxEvent.task == tasks.SEND_NOTIFICATION_EMAIL)).all()
        assert len(owed) == 1  # only the user with an e-mail address gets a copy
        mine = notifications.inbox(user_id)
        assert [n.title for n in mine] == ["您的意见有了答复"]
        # Marking another user's entry read through my id changes nothing.
        other = db.session.scalar(select(Notification).where(Notification.user_id == phone_only.id))
        assert notifications.mark_read(user_id, [other.id]) == 0
        assert notifications.mark_read(user_id) == 1
        db.session.commit()
        assert notifications.unread_count(user_id) == 0
        assert notifications.unread_count(phone_only.id) == 1


def test_email_copy_is_sent_once_and_a_dead_mail_server_leaves_it_owed(app, make_user, caplog) -> None:  # type: ignore[no-untyped-def]
    from consult.core import notifications
    from consult.core.jobs import tasks
    from consult.core.models import Notification, OutboxEvent
    from consult.extensions import db
    from tests.support.processes import free_port
    from worker import tasks as worker_tasks

    user_id, login, _pw = make_user()
    with app.app_context():
        entry = notifications.notify(user_id, "feedback", "反馈已公布", "您的意见已被采纳", "/plans/7/feedback")
        db.session.commit()
        with caplog.at_level("INFO", logger="consult.core.mail"):
            assert worker_tasks.send_notification_email.run(entry.id) is True
        # The development mailer logs the mail; every log line masks the address (issue #7).
        assert f"{login[0]}***@example.com" in caplog.text and login not in caplog.text and "/plans/7/feedback" in caplog.text
        assert worker_tasks.send_notification_email.run(entry.id) is False  # already sent: not twice
        event = db.session.scalar(select(OutboxEvent).where(OutboxEvent.task == tasks.SEND_NOTIFICATION_EMAIL))
        assert event.processed_at is not None

        second = notifications.notify(user_id, "reply", "答复", "", "")
        db.session.commit()
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", free_port()
        try:
            with pytest.raises(OSError):
                worker_tasks.send_notification_email.run(second.id)
        finally:
            app.config["MAIL_SERVER"] = ""
        db.session.expire_all()
        assert db.session.get(Notification, second.id).email_error
        pending = db.session.scalar(select(OutboxEvent).where(OutboxEvent.task == tasks.SEND_NOTIFICATION_EMAIL, OutboxEvent.ref_id == second.id))
        assert pending.processed_at is None  # still owed: the sweep and retries deliver it later


def test_audit_entry_masks_the_actor_and_survives_account_deletion(any_app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core import audit
    from consult.core.models import AuditEntry, User
    from consult.extensions import db

    with any_app.app_context():
        staff = User(phone="13912345678", password_hash="x", pseudonym="办", role="staff")
        db.session.add(staff)
        db.session.flush()
        audit.record(staff, "plan.publish", "plan", 3, title="方案")
        db.session.commit()
        entry = db.session.scalar(select(AuditEntry))
        assert entry.action == "plan.publish" and entry.target_id == 3 and entry.detail == {"title": "方案"}
        assert "13912345678" not in entry.actor_label and entry.actor_label.startswith("139")
        db.session.delete(staff)
        db.session.commit()
        kept = db.session.scalar(select(AuditEntry))
        assert kept is not None and kept.actor_id is None and kept.actor_label


def test_mirrored_channel_opinion_is_analysed_but_not_listed_and_follows_its_origin(any_app, make_plan, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.jobs import tasks
    from consult.core.models import OutboxEvent, User
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.plans import mirror as channels
    from consult.plans.models import Comment, CommentStatus, Plan

    plan_id = make_plan()
    user_id, _login, _pw = make_user()
    with any_app.app_context():
        plan = db.session.get(Plan, plan_id)
        user = db.session.get(User, user_id)
        copy = channels.mirror(plan=plan, source="forum", body="论坛里说：应当延长公示期。", origin_type="forum_post", origin_id=41, user=user)
        db.session.commit()
        assert copy.status == CommentStatus.INTERNAL and copy.source == "forum" and copy.user_id == user_id
        assert db.session.scalar(select(OutboxEvent).where(OutboxEvent.ref_id == copy.id, OutboxEvent.task == tasks.SEGMENT_COMMENT))
        # An edit refreshes the same copy; it does not add a second one.
        again = channels.mirror(plan=plan, source="forum", body="修改后：应当延长公示期至三十日。", origin_type="forum_post", origin_id=41, user=user)
        db.session.commit()
        assert again.id == copy.id and again.tokens is None
        assert db.session.scalar(select(db.func.count(Comment.id)).where(Comment.origin_type == "forum_post")) == 1
        analysed = db.session.scalars(digests._analysed(plan_id, digests.sources_key(["forum"]))).all()
        assert [c.id for c in analysed] == [copy.id]
        channels.withdraw("forum_post", 41)
        db.session.commit()
        assert db.session.scalars(digests._analysed(plan_id, digests.ALL_SOURCES)).all() == []
        channels.restore("forum_post", 41)
        db.session.commit()
        assert len(db.session.scalars(digests._analysed(plan_id, digests.ALL_SOURCES)).all()) == 1
        with pytest.raises(ValueError):
            channels.mirror(plan=plan, source="web", body="x", origin_type="x", origin_id=1)
    page = any_app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "应当延长公示期" not in page  # shown where it lives, not among the plan's comments


def test_a_post_is_flagged_once_per_person_and_resolving_closes_the_reports(any_app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.core.web.errors import ServiceError
    from consult.extensions import db
    from consult.moderation import flags

    first_id, _l, _p = make_user()
    second_id, _l2, _p2 = make_user()
    unverified_id, _l3, _p3 = make_user(verified=False)
    with any_app.app_context():
        first, second = db.session.get(User, first_id), db.session.get(User, second_id)
        _entry, created = flags.flag(first, "comment", 9, "广告")
        again, created_again = flags.flag(first, "comment", 9, "再次举报")
        flags.flag(second, "comment", 9)
        db.session.commit()
        assert created and not created_again and again.reason == "广告"
        assert flags.open_count("comment", 9) == 2
        with pytest.raises(ServiceError) as refused:
            flags.flag(db.session.get(User, unverified_id), "comment", 9)
        assert refused.value.status == 403
        with pytest.raises(ServiceError):
            flags.flag(second, "comment", 10, "<script>alert(1)</script>")
        assert flags.resolve("comment", 9, "kept") == 2
        db.session.commit()
        assert flags.open_count("comment", 9) == 0
