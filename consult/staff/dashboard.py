"""The staff dashboard: open consultations, comments per day, moderation backlog, digest freshness,
unanswered opinions and (once surveys exist) satisfaction per department. Department staff see their own plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from consult.core import channels, clock
from consult.core.models import User
from consult.digests.models import Digest, DigestStatus
from consult.digests.operations import ANALYSED
from consult.extensions import db
from consult.plans.models import Comment, CommentStatus, Plan
from consult.responses import operations as responses
from consult.surveys import satisfaction as surveys_index
from consult.surveys.tickets import overdue_tickets as overdue


def visible_plans(user: User) -> list[Plan]:
    query = select(Plan).order_by(Plan.created_at.desc())
    if user.role == "department":
        query = query.where(Plan.department_id == user.department_id)
    return list(db.session.scalars(query))


@dataclass
class PlanRow:
    plan: Plan
    comments: int
    pending: int
    unanswered: int
    digest: Digest | None
    new_since_digest: int

    @property
    def digest_age_hours(self) -> int | None:
        if self.digest is None or self.digest.finished_at is None:
            return None
        return int((datetime.now(UTC) - self.digest.finished_at).total_seconds() // 3600)


def _counts(plan_ids: list[int], *conditions: Any) -> dict[int, int]:
    if not plan_ids:
        return {}
    rows = db.session.execute(select(Comment.plan_id, func.count(Comment.id)).where(Comment.plan_id.in_(plan_ids), *conditions).group_by(Comment.plan_id))
    return {plan_id: n for plan_id, n in rows}


def _public_channels() -> list[Any]:
    """Experts' opinions are not public opinions: the figures of opinions received leave them out."""
    return [Comment.source.not_in(channels.untallied())] if channels.untallied() else []


def plan_rows(plans: list[Plan]) -> list[PlanRow]:
    ids = [p.id for p in plans]
    totals = _counts(ids, *_public_channels())
    pending = _counts(ids, Comment.status == CommentStatus.PENDING)
    unanswered = responses.unanswered_counts(ids)
    latest: dict[int, Digest] = {}
    if ids:
        for digest in db.session.scalars(select(Digest).where(Digest.plan_id.in_(ids), Digest.status == DigestStatus.DONE, Digest.sources_key == "all").order_by(Digest.last_comment_id)):
            latest[digest.plan_id] = digest  # ordered ascending: the last one wins
    # No digest yet: every analysed comment is new (experts' ones too: the digest covers them).
    newer = _counts(ids, Comment.status.in_(ANALYSED))
    for plan_id, digest in latest.items():
        newer[plan_id] = db.session.scalar(
            select(func.count(Comment.id)).where(Comment.plan_id == plan_id, Comment.status.in_(ANALYSED), Comment.id > digest.last_comment_id)
        ) or 0
    return [
        PlanRow(p, totals.get(p.id, 0), pending.get(p.id, 0), unanswered.get(p.id, 0), latest.get(p.id), newer.get(p.id, 0))
        for p in plans
    ]


def comments_per_day(plan_ids: list[int], days: int = 30, today: date | None = None) -> list[tuple[str, int]]:
    """Every day of the last ``days`` (the office's calendar days), zero-filled; counted in SQL with GROUP BY date."""
    today = today or clock.today()
    start = today - timedelta(days=days - 1)
    counts: dict[str, int] = {}
    if plan_ids:
        day = clock.local_date(Comment.created_at, db.session.get_bind().dialect.name)
        rows = db.session.execute(
            select(day, func.count(Comment.id))
            .where(Comment.plan_id.in_(plan_ids), Comment.created_at >= datetime(start.year, start.month, start.day, tzinfo=clock.zone()), *_public_channels())
            .group_by(day)
        )
        counts = {str(d)[:10]: n for d, n in rows}
    return [((start + timedelta(days=k)).isoformat(), counts.get((start + timedelta(days=k)).isoformat(), 0)) for k in range(days)]


@dataclass
class SatisfactionRow:
    department: str
    service: str
    month: str
    index: float  # 0-100, the surveys' satisfaction index (docs/surveys.md)
    answers: int


def satisfaction_rows(user: User | None = None) -> list[SatisfactionRow]:
    """The latest month's satisfaction index per department and service (department staff: their own)."""

    department_id = user.department_id if user is not None and user.role == "department" else None
    if user is not None and user.role == "department" and department_id is None:
        return []
    return [
        SatisfactionRow(line.department, line.service, line.latest.month, line.latest.index, line.latest.answers)
        for line in surveys_index.scorecard(department_id=department_id)
        if line.months
    ]


def overdue_tickets(user: User) -> list[Any]:
    """Service tickets past their deadline (15 working days from a low rating); department staff: their own."""

    if user.role == "department":
        return overdue(department_id=user.department_id) if user.department_id else []
    return overdue()
