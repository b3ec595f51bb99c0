"""The one after-commit hook: owed work reaches the broker once its transaction commits, never before, never when undone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_from, login


class Broker:
    """Stands in for Celery's connection to Redis (the outside world): records what was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[int]]] = []

    def send_task(self, name: str, args: list[int], retry: bool = True) -> None:
        self.sent.append((name, args))


@pytest.fixture
def broker(app, monkeypatch):  # type: ignore[no-untyped-def]
    from consult.core.jobs import outbox

    fake = Broker()
    monkeypatch.setattr(app.extensions["celery"], "send_task", fake.send_task)
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    return fake


def test_committed_outbox_row_is_published_right_after_the_commit_outside_a_request(app, broker) -> None:  # type: ignore[no-untyped-def]
    from consult.core.jobs import outbox, tasks
    from consult.core.models import OutboxEvent
    from consult.extensions import db

    with app.app_context():
        outbox.add(tasks.SEGMENT_COMMENT, 7)
        db.session.flush()
        assert broker.sent == []  # not before the commit
        db.session.commit()
        assert broker.sent == [(tasks.SEGMENT_COMMENT, [7])]
        db.session.remove()
        event = db.session.scalar(select(OutboxEvent).where(OutboxEvent.ref_id == 7))
        assert event.enqueued_at is not None and event.attempts == 1
        db.session.commit()
        assert broker.sent == [(tasks.SEGMENT_COMMENT, [7])]  # a later commit sends nothing again


def test_rolled_back_work_is_never_published(app, broker) -> None:  # type: ignore[no-untyped-def]
    from consult.core.jobs import outbox, tasks
    from consult.extensions import db

    with app.app_context():
        outbox.add(tasks.SEGMENT_COMMENT, 8)
        db.session.rollback()
        db.session.commit()
        try:
            with db.session.begin_nested():
                outbox.add(tasks.BUILD_DIGEST, 9)
                raise RuntimeError("undo the savepoint")
        except RuntimeError:
            pass
        with db.session.begin_nested():
            outbox.add(tasks.BUILD_DIGEST, 10)
        assert broker.sent == []  # releasing a savepoint is not the commit
        db.session.commit()
    assert broker.sent == [(tasks.BUILD_DIGEST, [10])]


def test_a_posted_comment_is_published_after_the_response(app, broker, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.jobs import tasks
    from consult.extensions import db
    from consult.plans.models import Comment

    client = app.test_client()
    _, email, password = make_user()
    login(client, email, password)
    plan_id = make_plan()
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    response = client.post(f"/plans/{plan_id}/comments", data={"csrf_token": csrf_from(page), "body": "建议延长公示期。"}, buffered=True)
    assert response.status_code == 302
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id))
    assert broker.sent == [(tasks.SEGMENT_COMMENT, [comment_id])]


def test_a_row_stamped_at_insert_that_the_broker_refuses_is_due_for_the_next_sweep(app, broker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Rows are stamped as handed over in their own INSERT; when the send then fails the stamp is
    taken back, so the 5-second sweep re-sends the row instead of the 60-second redelivery."""
    from consult.core.jobs import outbox, tasks
    from consult.core.models import OutboxEvent
    from consult.extensions import db

    def refuse(name: str, args: list[int], retry: bool = True) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(app.extensions["celery"], "send_task", refuse)
    with app.app_context():
        row = outbox.add(tasks.SEGMENT_COMMENT, 9)
        assert row.enqueued_at is not None and row.attempts == 1  # stamped in the INSERT
        db.session.commit()
        db.session.remove()
        event = db.session.scalar(select(OutboxEvent).where(OutboxEvent.ref_id == 9))
        assert event.enqueued_at is None and event.attempts == 0 and event.processed_at is None
        # While the broker is known to be down, new rows go in unstamped and nothing is tried.
        assert outbox.add(tasks.SEGMENT_COMMENT, 10).enqueued_at is None
        db.session.commit()
        monkeypatch.setattr(app.extensions["celery"], "send_task", broker.send_task)
        monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
        outbox.add(tasks.SEGMENT_COMMENT, 11)  # sent and stamped: owed again only after the redelivery delay
        db.session.commit()
        soon = datetime.now(UTC) + timedelta(seconds=6)
        assert sorted(e.ref_id for e in outbox.due(soon)) == [9, 10]
        assert outbox.publish(outbox.due(soon)) == 2
        assert sorted(args for _n, args in broker.sent) == [[9], [10], [11]]
