"""Beat's schedule: open plans with new comments get a digest; a closed plan gets a final one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select


def test_schedule_queues_digests_only_when_there_is_something_new(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import OutboxEvent, User
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    open_id = make_plan(title="开放中")
    quiet_id = make_plan(title="没有意见")
    user_id, _, _ = make_user()
    with app.app_context():
        comments.post_comment(user=db.session.get(User, user_id), plan=db.session.get(Plan, open_id), body="建议增加停车位")
        db.session.commit()
        assert digests.schedule_open_plans() == 1
        assert digests.schedule_open_plans() == 0  # nothing new: no second digest
        queued = db.session.scalars(select(Digest)).all()
        assert [(d.plan_id, d.trigger) for d in queued] == [(open_id, "schedule")]
        assert db.session.scalar(select(OutboxEvent).where(OutboxEvent.task == digests.BUILD_TASK)) is not None

        plan = db.session.get(Plan, open_id)
        comments.post_comment(user=db.session.get(User, user_id), plan=plan, body="截止前最后一条意见")
        plan.closes_at = datetime.now(UTC) - timedelta(hours=1)
        db.session.commit()
        assert digests.schedule_open_plans() == 1
        final = db.session.scalars(select(Digest).order_by(Digest.id.desc())).first()
        assert final.trigger == "final" and final.plan_id == open_id
        assert quiet_id not in {d.plan_id for d in db.session.scalars(select(Digest))}
