"""Opinion digests: request one (idempotently), build it from stored tokens, read it back."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from consult.core import channels, outbox, tasks
from consult.core.errors import ServiceError
from consult.digests.models import Digest
from consult.extensions import db
from consult.plans.intake import current_segmenter
from consult.plans.models import Comment, CommentStatus, Plan

log = logging.getLogger(__name__)

BUILD_TASK = tasks.BUILD_DIGEST  # the name lives in consult.core.tasks
ANALYSED = (CommentStatus.PUBLISHED, CommentStatus.INTERNAL)
ALL_SOURCES = "all"


def sources_key(sources: list[str] | None) -> str:
    known = channels.sources()
    chosen = sorted({s for s in (sources or []) if s in known})
    return ",".join(chosen) if chosen and len(chosen) < len(known) else ALL_SOURCES


def _analysed(plan_id: int, sources_key: str):  # type: ignore[no-untyped-def]
    query = select(Comment).where(Comment.plan_id == plan_id, Comment.status.in_(ANALYSED))
    if sources_key != ALL_SOURCES:
        query = query.where(Comment.source.in_(sources_key.split(",")))
    return query


def request_digest(plan: Plan, *, trigger: str = "manual", sources: list[str] | None = None) -> tuple[Digest, bool]:
    """Queue a digest of everything up to the newest comment; the same request twice gives one digest."""
    key = sources_key(sources)
    last = db.session.scalar(select(func.max(Comment.id)).where(Comment.plan_id == plan.id, Comment.status.in_(ANALYSED))) or 0
    if last == 0:
        raise ServiceError(_("该方案还没有可分析的意见。"), 409)
    existing = db.session.scalar(
        select(Digest).where(Digest.plan_id == plan.id, Digest.last_comment_id == last, Digest.sources_key == key)
    )
    if existing is not None and existing.status != "failed":
        return existing, False
    if existing is not None:  # a failed one is retried in place
        existing.status, existing.progress, existing.error, existing.stage = "queued", 0.0, "", ""
        digest = existing
    else:
        number = (db.session.scalar(select(func.max(Digest.number)).where(Digest.plan_id == plan.id)) or 0) + 1
        digest = Digest(plan_id=plan.id, number=number, trigger=trigger, sources_key=key, last_comment_id=last)
        try:
            with db.session.begin_nested():  # flushes; a unique violation undoes only this insert
                db.session.add(digest)
        except IntegrityError:
            # Two staff pressed "build" at once: the other request's digest is this one.
            raced = db.session.scalar(
                select(Digest).where(Digest.plan_id == plan.id, Digest.last_comment_id == last, Digest.sources_key == key)
            )
            if raced is None:
                raise
            return raced, False
    db.session.flush()
    outbox.add(BUILD_TASK, digest.id)
    return digest, True


def _claim(digest_id: int) -> bool:
    """Atomically take the digest; two workers racing for it leave one result."""
    now = datetime.now(UTC)
    stale_after = timedelta(seconds=current_app.config["DIGEST_STALE_SECONDS"])
    claimed = db.session.execute(
        update(Digest)
        .where(
            Digest.id == digest_id,
            or_(
                Digest.status.in_(("queued", "failed")),
                (Digest.status == "running") & (Digest.heartbeat_at < now - stale_after),
            ),
        )
        .values(status="running", started_at=now, heartbeat_at=now, progress=0.0, stage="")
    ).rowcount
    db.session.commit()
    return claimed == 1


def _stage_label(stage: str) -> str:
    """The pipeline names its steps in English; staff read them in Chinese."""
    labels = {
        "campaigns": _("识别批量（雷同）意见"),
        "clustering": _("归纳主题与问题"),
        "stance": _("判断立场"),
        "clauses": _("对应条款"),
        "describing": _("提炼标签与代表意见"),
        "assembling": _("汇总"),
        "done": _("完成"),
    }
    return labels.get(stage, stage)


def _progress(digest_id: int):  # type: ignore[no-untyped-def]
    def report(fraction: float, stage: str) -> None:
        stage = _stage_label(stage)
        db.session.execute(
            update(Digest)
            .where(Digest.id == digest_id)
            .values(progress=round(min(max(fraction, 0.0), 1.0), 3), stage=stage[:80], heartbeat_at=datetime.now(UTC))
        )
        db.session.commit()

    return report


def _loader(scope: str):  # type: ignore[no-untyped-def]
    """What a digest reads, by scope: a plan's comments, or suggestions of a domain and period."""
    if scope == "suggestions":
        from consult.suggestions.digest_scope import load

        return load
    return _load_plan


def _load_plan(digest: Digest, segmenter):  # type: ignore[no-untyped-def]
    from worker.analysis.pipeline import ClauseRef, DigestDoc, intern_all

    comments = list(db.session.scalars(_analysed(digest.plan_id, digest.sources_key).where(Comment.id <= digest.last_comment_id).order_by(Comment.id)))
    missing = [c for c in comments if c.tokens is None]
    for comment, tokens in zip(missing, segmenter.tokens_many([c.body for c in missing]), strict=True):
        comment.tokens, comment.segmented_at = tokens, datetime.now(UTC)
    docs = [
        DigestDoc(id=c.id, tokens=intern_all(c.tokens or []), text=c.body, created_at=c.created_at, source=c.source, clause_id=c.clause_id or c.clause_override_id)
        for c in comments
    ]
    plan = db.session.get(Plan, digest.plan_id)
    clauses = [
        ClauseRef(id=c.id, label=c.label, tokens=segmenter.tokens(f"{c.number} {c.title} {c.text}"))
        for v in plan.versions
        for c in v.clauses
    ]
    previous = db.session.scalar(
        select(Digest)
        .where(Digest.plan_id == digest.plan_id, Digest.status == "done", Digest.sources_key == digest.sources_key, Digest.id != digest.id)
        .order_by(Digest.last_comment_id.desc())
    )
    return docs, clauses, previous


def build(digest_id: int) -> str:
    """Build a claimed digest; returns its final status. Safe to call again at any point."""
    from worker.analysis.pipeline import DigestResult, build_digest

    digest = db.session.get(Digest, digest_id)
    if digest is None or digest.status == "done":
        outbox.mark_done(BUILD_TASK, digest_id)
        db.session.commit()
        return "done" if digest else "missing"
    if not _claim(digest_id):
        return digest.status
    report = _progress(digest_id)
    try:
        report(0.01, _("读取意见"))
        segmenter, _version = current_segmenter()
        docs, clauses, previous = _loader(digest.scope)(digest, segmenter)
        result = build_digest(
            docs,
            clauses=clauses,
            previous=DigestResult.from_dict(previous.result) if previous is not None and previous.result else None,
            seed=0,
            progress=lambda f, stage: report(0.05 + 0.9 * f, stage),
        )
        digest = db.session.get(Digest, digest_id)
        digest.result = result.to_dict()
        digest.comment_count = len(docs)
        digest.status, digest.progress, digest.stage = "done", 1.0, _("完成")
        digest.finished_at = datetime.now(UTC)
        outbox.mark_done(BUILD_TASK, digest_id)
        db.session.commit()
        return "done"
    except Exception as error:
        db.session.rollback()
        log.exception("digest %s failed", digest_id)
        db.session.execute(update(Digest).where(Digest.id == digest_id).values(status="failed", error=f"{type(error).__name__}: {error}"[:2000]))
        db.session.commit()
        raise


def latest(plan_id: int, sources_key: str = ALL_SOURCES) -> Digest | None:
    return db.session.scalar(
        select(Digest)
        .where(Digest.plan_id == plan_id, Digest.status == "done", Digest.sources_key == sources_key)
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
    return {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids)))}


def clause_labels(plan: Plan) -> dict[int, str]:
    return {c.id: c.label for v in plan.versions for c in v.clauses}



