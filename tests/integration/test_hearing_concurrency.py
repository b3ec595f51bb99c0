"""Seats are never double-booked when many people sign up (and cancel) at the same moment.

Threads each with their own session hit the service at once, on SQLite and on real PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select


def _hearing(app, plan_id: int, capacity: int) -> int:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.hearings import operations as hearings
    from consult.plans.models import Plan

    now = datetime.now(UTC)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        author = db.session.get(User, plan.created_by_id)
        data = hearings.ScheduleInput(title="并发报名测试", starts_at=now + timedelta(days=20), registration_opens_at=now - timedelta(hours=1), registration_closes_at=now + timedelta(days=1), capacity=capacity, place="会议室", selection="fcfs")
        hearing = hearings.schedule(author, plan, data)
        db.session.commit()
        return hearing.id


def _at_once(app, jobs) -> list[object]:  # type: ignore[no-untyped-def]
    """Run every job in its own thread and app context, released together by a barrier."""
    from consult.extensions import db

    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job) -> None:  # type: ignore[no-untyped-def]
        with app.app_context():
            try:
                barrier.wait()
                results[index] = job()
            except Exception as error:  # noqa: BLE001 - the test inspects what each caller got
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _sign_up(hearing_id: int, user_id: int):  # type: ignore[no-untyped-def]
    def job():  # type: ignore[no-untyped-def]
        from consult.core.models import User
        from consult.extensions import db
        from consult.hearings import operations as hearings

        user = db.session.get(User, user_id)
        application = hearings.seat_transaction(hearing_id, lambda locked: hearings.apply(locked, user, stance="support", group="", statement="我想发言"))
        return application.status

    return job


def _seats(app, hearing_id: int) -> tuple[list[int], Counter]:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.hearings.models import HearingApplication

    with app.app_context():
        rows = db.session.scalars(select(HearingApplication).where(HearingApplication.hearing_id == hearing_id)).all()
        return sorted(r.seat_number for r in rows if r.seat_number is not None), Counter(r.status for r in rows)


def test_concurrent_sign_ups_never_double_book_a_seat(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.web.errors import ServiceError

    hearing_id = _hearing(any_app, make_plan(), capacity=5)
    users = [make_user()[0] for _ in range(16)]
    results = _at_once(any_app, [_sign_up(hearing_id, u) for u in users])
    assert not [r for r in results if isinstance(r, Exception)], results
    seats, statuses = _seats(any_app, hearing_id)
    assert seats == [1, 2, 3, 4, 5]
    assert statuses == Counter({"selected": 5, "waiting": 11})
    assert Counter(results) == Counter({"selected": 5, "waiting": 11})

    # One person pressing "apply" on two devices at once: one application, a clear 409 for the other.
    twice = make_user()[0]
    results = _at_once(any_app, [_sign_up(hearing_id, twice), _sign_up(hearing_id, twice)])
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(refused) == 1 and refused[0].status == 409
    assert _seats(any_app, hearing_id)[1]["waiting"] == 12


def test_concurrent_cancellations_and_sign_ups_keep_seats_unique(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.hearings import operations as hearings
    from consult.hearings.models import HearingApplication

    hearing_id = _hearing(any_app, make_plan(), capacity=4)
    first = [make_user()[0] for _ in range(6)]
    _at_once(any_app, [_sign_up(hearing_id, u) for u in first])
    with any_app.app_context():
        seated = db.session.scalars(select(HearingApplication).where(HearingApplication.status == "selected")).all()
        leaving = [(a.id, a.user_id) for a in seated[:3]]

    def leave(application_id: int, user_id: int):  # type: ignore[no-untyped-def]
        def job():  # type: ignore[no-untyped-def]
            actor = db.session.get(User, user_id)
            return hearings.seat_transaction(hearing_id, lambda locked: hearings.cancel(locked, application_id, actor=actor))

        return job

    newcomers = [make_user()[0] for _ in range(4)]
    results = _at_once(any_app, [leave(*pair) for pair in leaving] + [_sign_up(hearing_id, u) for u in newcomers])
    assert not [r for r in results if isinstance(r, Exception)], results
    seats, statuses = _seats(any_app, hearing_id)
    assert seats == [1, 2, 3, 4]  # every freed seat refilled exactly once
    assert statuses["selected"] == 4 and statuses["cancelled"] == 3 and statuses["waiting"] == 3


def test_two_staff_pressing_draw_at_once_give_one_draw(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.core.web.errors import ServiceError
    from consult.extensions import db
    from consult.hearings import operations as hearings
    from consult.hearings.models import Hearing, HearingApplication
    from consult.plans.models import Plan

    plan_id = make_plan()
    with any_app.app_context():
        plan = db.session.get(Plan, plan_id)
        now = datetime.now(UTC)
        data = hearings.ScheduleInput(title="抽签并发", starts_at=now + timedelta(days=20), registration_opens_at=now - timedelta(hours=1), registration_closes_at=now + timedelta(days=1), capacity=2, place="会议室")
        hearing = hearings.schedule(db.session.get(User, plan.created_by_id), plan, data)
        db.session.commit()
        hearing_id = hearing.id
    for user_id in [make_user()[0] for _ in range(5)]:
        with any_app.app_context():
            user = db.session.get(User, user_id)
            hearings.seat_transaction(hearing_id, lambda locked, u=user: hearings.apply(locked, u, stance="other", group="", statement="要点"))
    with any_app.app_context():
        db.session.get(Hearing, hearing_id).registration_closes_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    staff = [make_user(role="staff")[0] for _ in range(2)]

    def draw(staff_id: int, value: str):  # type: ignore[no-untyped-def]
        def job():  # type: ignore[no-untyped-def]
            actor = db.session.get(User, staff_id)
            return hearings.seat_transaction(hearing_id, lambda locked: hearings.run_draw(locked, actor, value))

        return job

    results = _at_once(any_app, [draw(staff[0], "1111"), draw(staff[1], "2222")])
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(refused) == 1 and refused[0].status == 409, results
    with any_app.app_context():
        rows = db.session.scalars(select(HearingApplication).where(HearingApplication.hearing_id == hearing_id)).all()
        assert sorted(r.seat_number for r in rows if r.seat_number) == [1, 2]
        assert sorted(r.waiting_position for r in rows if r.waiting_position) == [1, 2, 3]
