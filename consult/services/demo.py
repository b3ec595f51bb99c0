"""Demo content: three draft plans with a few hundred varied comments; loading twice changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from consult.extensions import db
from consult.models import Comment, CommentVote, OutboxEvent, Plan, PlanVersion, User
from consult.models.comments import CommentStatus
from consult.services import outbox
from consult.services.comments import SEGMENT_TASK
from consult.services.plans import build_clauses, department_named
from consult.services.text import search_terms

# Windows of the demo plans, relative to today: one closing soon, one fresh, one already closed.
SCHEDULE = {0: (25, 30), 1: (3, 30), 2: (40, 30)}
COMMENTS_PER_PLAN = 150


def _plan_files() -> list[tuple[dict, str]]:
    folder = resources.files("consult.demo") / "plans"
    items = []
    for meta_file in sorted(p for p in folder.iterdir() if p.name.endswith(".json")):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        body = (folder / meta_file.name.replace(".json", ".txt")).read_text(encoding="utf-8")
        items.append((meta, body))
    return items


def _demo_users(count: int) -> list[User]:
    users = []
    password = generate_password_hash("demo-password-not-for-login")
    for i in range(count):
        email = f"demo{i:03d}@demo.invalid"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, password_hash=password, pseudonym=f"网友{1000 + i}", verified_at=datetime.now(UTC))
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return users


def _demo_votes(comment: Comment, users: list[User], i: int) -> None:
    voters = [users[(i * 7 + k) % len(users)] for k in range(1, 1 + (i * 5) % 9)]
    for k, voter in enumerate(voters):
        if voter.id != comment.user_id:
            db.session.add(CommentVote(comment_id=comment.id, user_id=voter.id, value=-1 if k % 4 == 3 else 1))
    db.session.flush()
    comment.support_count = sum(1 for k, v in enumerate(voters) if v.id != comment.user_id and k % 4 != 3)
    comment.oppose_count = sum(1 for k, v in enumerate(voters) if v.id != comment.user_id and k % 4 == 3)


def load(now: datetime | None = None) -> dict[str, int]:
    from consult.demo.comments import generate_comments

    now = now or datetime.now(UTC)
    created_plans = created_comments = 0
    users = _demo_users(60)
    for index, (meta, body) in enumerate(_plan_files()):
        if db.session.scalar(select(Plan).where(Plan.demo_key == meta["key"])) is not None:
            continue
        opened_days_ago, window = SCHEDULE.get(index, (5, 30))
        plan = Plan(
            title=meta["title"],
            department=department_named(meta.get("department", "")),
            summary=meta.get("summary", ""),
            window_days=window,
            published=True,
            opens_at=now - timedelta(days=opened_days_ago),
            closes_at=now - timedelta(days=opened_days_ago) + timedelta(days=window),
            demo_key=meta["key"],
        )
        plan.versions.append(PlanVersion(number=1, body=body, created_at=plan.opens_at))
        db.session.add(plan)
        db.session.flush()
        version = plan.versions[0]
        build_clauses(version)
        plan.search_terms = search_terms(f"{plan.title} {plan.summary} {body}")
        # Numbers like （一） repeat under different parents; keys ("2.1") are unique per version.
        by_key = {c.key: c.id for c in version.clauses}
        for i, item in enumerate(generate_comments(meta["key"], list(by_key), COMMENTS_PER_PLAN, seed=index + 1)):
            user = users[i % len(users)]
            created = now - timedelta(days=min(item.days_ago, opened_days_ago), minutes=i)
            comment = Comment(
                plan_id=plan.id,
                version_id=version.id,
                clause_id=by_key.get(item.clause_number) if item.clause_number else None,
                user_id=user.id,
                body=item.text,
                author_label=getattr(item, "pseudonym", "") or user.pseudonym,
                status=CommentStatus.PUBLISHED,
                created_at=created,
                search_terms=search_terms(item.text),
            )
            db.session.add(comment)
            db.session.flush()
            _demo_votes(comment, users, i)
            outbox.add(SEGMENT_TASK, comment.id)
            created_comments += 1
        created_plans += 1
    from consult.services import surveys_demo

    survey_responses = surveys_demo.load(now)
    db.session.commit()
    pending = list(db.session.scalars(select(OutboxEvent).where(OutboxEvent.processed_at.is_(None))))
    outbox.publish(pending)
    return {"plans_created": created_plans, "comments_created": created_comments, "survey_responses_created": survey_responses}
