"""Draft plans: creation, clause splitting and its corrections, publishing, revised versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.core.models import Department, User
from consult.core.text import clean_text, search_terms
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.plans.models import Clause, Comment, CommentStatus, Moderation, Plan, PlanVersion
from worker.analysis.clauses import flatten, split_clauses

MIN_WINDOW_DAYS = 30
MAX_BODY_CHARS = 200_000


def department_named(name: str) -> Department | None:
    name = (name or "").strip()
    if not name:
        return None
    dept = db.session.scalar(select(Department).where(Department.name == name))
    if dept is None:
        dept = Department(name=name[:120])
        db.session.add(dept)
        db.session.flush()
    return dept


def _check_window(days: int, reason: str) -> str:
    if days < 1 or days > 365:
        raise ServiceError(_("征求意见期限应在 1 到 365 天之间。"), field="window_days")
    reason = (reason or "").strip()
    if days < MIN_WINDOW_DAYS and not reason:
        raise ServiceError(_("征求意见期限少于 30 天时，必须说明理由（将向公众公开）。"), field="short_window_reason")
    return reason if days < MIN_WINDOW_DAYS else ""


def build_clauses(version: PlanVersion) -> None:
    version.clauses.clear()
    db.session.flush()
    for position, node in enumerate(flatten(split_clauses(version.body))):
        key = getattr(node, "key", None) or getattr(node, "path", "") or str(position + 1)
        version.clauses.append(
            Clause(
                position=position,
                key=str(key)[:40],
                number=node.number[:40],
                title=node.title[:200],
                text=node.text,
                level=node.level,
            )
        )
    db.session.flush()


def create_plan(
    *,
    author: User,
    title: str,
    department: str,
    summary: str,
    body: str,
    window_days: int,
    short_window_reason: str = "",
    moderation: str = Moderation.POST,
) -> Plan:
    title = clean_text(title, field=_("标题"), max_chars=200, key="title")
    body = clean_text(body, field=_("正文"), max_chars=MAX_BODY_CHARS, key="body")
    summary = clean_text(summary, field=_("摘要"), max_chars=2000, key="summary") if (summary or "").strip() else ""
    if moderation not in {m.value for m in Moderation}:
        raise ServiceError(_("未知的审核方式。"))
    plan = Plan(
        title=title,
        department=department_named(department),
        summary=summary,
        window_days=window_days,
        short_window_reason=_check_window(window_days, short_window_reason),
        moderation=moderation,
        created_by_id=author.id,
    )
    plan.versions.append(PlanVersion(number=1, body=body))
    db.session.add(plan)
    db.session.flush()
    build_clauses(plan.versions[0])
    plan.search_terms = search_terms(f"{title} {summary} {body}")
    return plan


def update_body(plan: Plan, body: str) -> None:
    """Replace the draft's current body and split it again (only while no one has commented on it)."""
    version = plan.current_version
    assert version is not None
    if db.session.scalar(select(func.count()).select_from(Comment).where(Comment.version_id == version.id)):
        raise ServiceError(_("该版本已有公众意见，不能直接修改，请发布修订版本。"), 409)
    version.body = clean_text(body, field=_("正文"), max_chars=MAX_BODY_CHARS)
    build_clauses(version)
    plan.search_terms = search_terms(f"{plan.title} {plan.summary} {version.body}")


def merge_into_previous(plan: Plan, clause_id: int) -> None:
    """Fix a wrong split: the clause becomes part of the one before it."""
    version = plan.current_version
    assert version is not None
    clauses = list(version.clauses)
    index = next((i for i, c in enumerate(clauses) if c.id == clause_id), None)
    if index is None:
        raise ServiceError(_("条款不属于该方案。"), 404)
    if index == 0:
        raise ServiceError(_("第一条没有可合并的上一条。"))
    if db.session.scalar(select(func.count()).select_from(Comment).where(Comment.clause_id == clause_id)):
        raise ServiceError(_("该条款已有意见，不能合并。"), 409)
    clause, previous = clauses[index], clauses[index - 1]
    heading = " ".join(p for p in (clause.number, clause.title) if p)
    previous.text = "\n".join(p for p in (previous.text, heading, clause.text) if p)
    version.clauses.remove(clause)
    for position, c in enumerate(version.clauses):
        c.position = position
    db.session.flush()


def publish(plan: Plan, now: datetime | None = None) -> None:
    if plan.published:
        raise ServiceError(_("该方案已经发布。"), 409)
    if not plan.current_version or not plan.current_version.clauses:
        raise ServiceError(_("正文为空，无法发布。"))
    now = now or datetime.now(UTC)
    plan.published = True
    plan.opens_at = now
    plan.closes_at = now + timedelta(days=plan.window_days)
    db.session.flush()


def new_version(plan: Plan, body: str, note: str = "") -> PlanVersion:
    body = clean_text(body, field=_("正文"), max_chars=MAX_BODY_CHARS)
    note = (note or "").strip()[:2000]
    number = (plan.current_version.number if plan.current_version else 0) + 1
    version = PlanVersion(number=number, body=body, note=note)
    plan.versions.append(version)
    db.session.flush()
    build_clauses(version)
    plan.search_terms = search_terms(f"{plan.title} {plan.summary} {body}")
    return version


def open_plans() -> list[Plan]:
    now = datetime.now(UTC)
    return list(
        db.session.scalars(
            select(Plan).where(Plan.published.is_(True), Plan.closes_at > now).order_by(Plan.closes_at)
        )
    )


def closed_plans(limit: int = 20) -> list[Plan]:
    now = datetime.now(UTC)
    return list(
        db.session.scalars(
            select(Plan)
            .where(Plan.published.is_(True), Plan.closes_at <= now)
            .order_by(Plan.closes_at.desc())
            .limit(limit)
        )
    )


def comment_counts(version: PlanVersion) -> dict[int | None, int]:
    """Public comment count per clause id (None = the whole plan) for one version."""
    rows = db.session.execute(
        select(Comment.clause_id, func.count())
        .where(Comment.version_id == version.id, Comment.status == CommentStatus.PUBLISHED)
        .group_by(Comment.clause_id)
    )
    return {clause_id: count for clause_id, count in rows}


def page_counts(version: PlanVersion) -> tuple[dict[int | None, int], int]:
    """``comment_counts`` and the number of public top-level whole-plan comments (published or
    withdrawn: what the plan page lists to anyone) in one index-only scan of the version's comments."""
    counts: dict[int | None, int] = {}
    top_level = 0
    rows = db.session.execute(
        select(Comment.clause_id, Comment.status, Comment.parent_id.is_(None), func.count())
        .where(Comment.version_id == version.id, Comment.status.in_((CommentStatus.PUBLISHED, CommentStatus.WITHDRAWN)))
        .group_by(Comment.clause_id, Comment.status, Comment.parent_id.is_(None))
    )
    for clause_id, status, is_top, n in rows:
        if status == CommentStatus.PUBLISHED:
            counts[clause_id] = counts.get(clause_id, 0) + n
        if clause_id is None and is_top:
            top_level += n
    return counts, top_level

