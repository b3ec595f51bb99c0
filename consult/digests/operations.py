"""Plan digests: request one (idempotently), read the latest back, schedule refreshes of open
plans. Building is the engine's (`consult.digests.engine.build`, re-exported here)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.core.web.errors import ServiceError
from consult.digests.engine import BUILD_TASK, build, enqueue
from consult.digests.models import Digest, DigestStatus
from consult.digests.plan_scope import (
    ALL_SOURCES,
    ANALYSED,
    PlanScope,
    analysed,
    sources_key,
)
from consult.extensions import db
from consult.plans.models import Comment, Plan

__all__ = ["ALL_SOURCES", "ANALYSED", "BUILD_TASK", "analysed", "build", "clause_labels", "comments_by_id", "latest",
           "request_digest", "schedule_open_plans", "sources_key"]
_analysed = analysed  # the name the forum and channel tests use


def request_digest(plan: Plan, *, trigger: str = "manual", sources: list[str] | None = None) -> tuple[Digest, bool]:
    """Queue a digest of everything up to the newest comment; the same request twice gives one digest."""
    key = sources_key(sources)
    last = db.session.scalar(select(func.max(Comment.id)).where(Comment.plan_id == plan.id, Comment.status.in_(ANALYSED))) or 0
    if last == 0:
        raise ServiceError(_("该方案还没有可分析的意见。"), 409)
    return enqueue(PlanScope.name, last=last, plan_id=plan.id, sources_key=key, trigger=trigger)


def latest(plan_id: int, key: str = ALL_SOURCES) -> Digest | None:
    return db.session.scalar(
        select(Digest)
        .where(Digest.plan_id == plan_id, Digest.status == DigestStatus.DONE, Digest.sources_key == key)
        .order_by(Digest.last_comment_id.desc(), Digest.id.desc())
    )


def schedule_open_plans(now: datetime | None = None) -> int:
    """Beat: refresh digests of open plans with new comments, and build a final one after closing."""
    now = now or datetime.now(UTC)
    queued = 0
    plans = db.session.scalars(
        select(Plan).where(Plan.published.is_(True), Plan.closes_at > now - timedelta(days=2))
    )
    for plan in plans:
        try:
            _digest, created = request_digest(plan, trigger="final" if plan.closes_at <= now else "schedule")
        except ServiceError:
            continue
        queued += int(created)
    return queued


def comments_by_id(ids: list[int]) -> dict[int, Comment]:
    if not ids:
        return {}
    # In chunks: PostgreSQL takes at most 65,535 parameters in one statement.
    return {c.id: c for k in range(0, len(ids), 10_000) for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids[k : k + 10_000])))}


def clause_labels(plan: Plan) -> dict[int, str]:
    return {c.id: c.label for v in plan.versions for c in v.clauses}
