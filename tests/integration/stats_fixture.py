"""Known data for the statistics tests: a closed plan with opinions on fixed clauses, channels, days
and answers, a published feedback report, a hearing, replied suggestions and satisfaction answers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from flask import Flask

# Opinions of the fixture plan: (source, clause index or None, status, UTC time, answer status or None).
DAY1 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing, Monday 2 November
LATE = datetime(2026, 11, 2, 17, 30, tzinfo=UTC)  # 01:30 on 3 November in Beijing: the next local day
DAY9 = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # the next week
OPINIONS = [
    ("web", 0, "published", DAY1, "adopted"),
    ("web", 0, "published", DAY1, "partly"),
    ("web", 1, "published", LATE, "not_adopted"),
    ("letter", 1, "internal", LATE, "adopted"),
    ("hotline", None, "internal", DAY9, None),
    ("forum", None, "internal", DAY9, "covered"),
    ("web", 2, "pending", DAY9, None),  # never counted: not published
    ("web", 2, "rejected", DAY9, None),  # never counted
    ("import", 2, "internal", DAY9, None),  # never counted: no channel of the site
    ("expert", 0, "internal", DAY1, "adopted"),  # never counted: experts' opinions are not tallied in public
]


def seed(app: Flask) -> dict[str, int]:
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import operations as plans
    from consult.plans.models import Comment
    from consult.responses.models import FeedbackReport, Response

    with app.app_context():
        staff = accounts.register(f"s{uuid.uuid4().hex[:8]}@example.com", "password123", "工作人员", role="staff")
        body = "第一条 为了规范停车管理，制定本办法。\n第二条 住宅小区停车位优先满足业主需要。\n第三条 本办法自发布之日起施行。"
        plan = plans.create_plan(author=staff, title="停车管理办法（征求意见稿）", department="市交通局", summary="摘要", body=body, window_days=30)
        plans.publish(plan, now=datetime.now(UTC) - timedelta(days=40))
        db.session.flush()
        version = plan.current_version
        clauses = version.clauses
        for k, (source, clause, status, at, answer) in enumerate(OPINIONS):
            comment = Comment(plan_id=plan.id, version_id=version.id, clause_id=clauses[clause].id if clause is not None else None,
                              source=source, body=f"意见{k}：建议增加夜间停车位", status=status, created_at=at)
            db.session.add(comment)
            db.session.flush()
            if answer:
                db.session.add(Response(comment_id=comment.id, plan_id=plan.id, status=answer, text="已研究采纳，增加夜间共享车位"))
        db.session.add(FeedbackReport(plan_id=plan.id, summary="感谢各位的意见。", published_by_id=staff.id))
        other = plans.create_plan(author=staff, title="草稿方案", department="市交通局", summary="", body="第一条 草稿。", window_days=30)
        db.session.flush()
        draft_comment = Comment(plan_id=other.id, version_id=other.current_version.id, source="web", body="草稿里的意见", status="published", created_at=DAY1)
        db.session.add(draft_comment)
        db.session.commit()
        return {"plan": plan.id, "draft": other.id, "clause0": clauses[0].id, "clause1": clauses[1].id, "clause2": clauses[2].id}


def seed_hearing(app: Flask, plan_id: int) -> int:
    """A first-come hearing, 3 seats, 5 applications (1 cancelled), its list public, minutes with 2 speakers."""
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.hearings.models import Hearing, HearingApplication, HearingMinutesPart

    with app.app_context():
        now = datetime.now(UTC)
        hearing = Hearing(plan_id=plan_id, title="停车管理办法听证会", starts_at=now - timedelta(days=1), capacity=3,
                          registration_opens_at=now - timedelta(days=30), registration_closes_at=now - timedelta(days=20),
                          selection="fcfs", seed_secret="s" * 64, seed_commitment="c" * 64, minutes="笔录", summary="摘要", minutes_published_at=now)
        db.session.add(hearing)
        db.session.flush()
        states = [("selected", 1, None), ("selected", 2, None), ("selected", 3, None), ("waiting", None, 1), ("cancelled", None, None)]
        for k, (status, seat, wait) in enumerate(states):
            user = accounts.register(f"h{uuid.uuid4().hex[:8]}@example.com", "password123", f"参加人{k}")
            db.session.add(HearingApplication(hearing_id=hearing.id, user_id=user.id, public_id=uuid.uuid4().hex[:12], stance="support",
                                              statement="我支持", status=status, seat_number=seat, waiting_position=wait))
        for k, speaker in enumerate(["主持人", "参加人甲", "参加人甲", ""]):
            db.session.add(HearingMinutesPart(hearing_id=hearing.id, position=k, speaker=speaker, text="发言内容"))
        db.session.commit()
        return hearing.id


def seed_suggestions(app: Flask, days: list[float], open_count: int = 1) -> None:
    from consult.extensions import db
    from consult.suggestions.models import Suggestion

    with app.app_context():
        start = datetime(2026, 10, 1, tzinfo=UTC)
        for k, d in enumerate(days + [None] * open_count):
            db.session.add(Suggestion(
                tracking_number=f"JY-T-{uuid.uuid4().hex[:8]}", lookup_hash="0" * 64, domain="社会", title="建议", body="建议内容",
                status="replied" if d is not None else "received", reply="答复" if d is not None else "",
                created_at=start + timedelta(days=k), replied_at=start + timedelta(days=k + d) if d is not None else None,
            ))
        db.session.commit()
