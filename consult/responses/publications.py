"""Versioned publications of the adoption feedback (采纳情况反馈).

Publishing stores what the report shows — counts per status, per clause and per cluster, the clause
diff, and every public opinion with the answer it had at that moment (`FeedbackOpinion`, in report
order) — as one `FeedbackPublication`. The public page, the PDF, the API and the open data read the
stored publication and never the answers table, so an answer given later changes nothing until staff
publish the next version. A plan of more than `FEEDBACK_INLINE_MAX` opinions is built by the worker
(owed through the outbox, as digests are); a small one in the publishing request.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from consult.core import audit
from consult.core.jobs import outbox, tasks
from consult.core.models import User, utcnow
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.plans.models import Comment, CommentStatus, Plan, PlanStatus
from consult.responses import feedback
from consult.responses.models import (
    FeedbackOpinion,
    FeedbackPublication,
    PublicationStatus,
    Response,
)
from consult.responses.operations import status_labels

INSERT_BATCH = 5000  # opinion rows per INSERT while building


def latest(plan_id: int, *, ready: bool = True) -> FeedbackPublication | None:
    query = select(FeedbackPublication).where(FeedbackPublication.plan_id == plan_id)
    if ready:
        query = query.where(FeedbackPublication.status == PublicationStatus.READY)
    return db.session.scalar(query.order_by(FeedbackPublication.version.desc()).limit(1))


def get(plan_id: int, version: int) -> FeedbackPublication | None:
    return db.session.scalar(select(FeedbackPublication).where(FeedbackPublication.plan_id == plan_id, FeedbackPublication.version == version))


def versions(plan_id: int) -> list[Any]:
    """(version, published_at, status) of every publication, newest first; columns only (no content)."""
    return list(db.session.execute(
        select(FeedbackPublication.version, FeedbackPublication.published_at, FeedbackPublication.status)
        .where(FeedbackPublication.plan_id == plan_id).order_by(FeedbackPublication.version.desc())))


def tallied_count(plan_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Comment).where(*feedback.tallied(plan_id))) or 0


# --- publishing -----------------------------------------------------------------------------------


def publish(actor: User, plan: Plan, summary: str = "") -> tuple[FeedbackPublication, int]:
    """Publish the next version; the first one also tells every commenter once. Returns (publication, notified)."""
    if plan.status != PlanStatus.CLOSED:
        raise ServiceError(_("征求意见期尚未结束，不能发布采纳情况反馈。"), 409)
    summary = clean_text(summary, field=_("说明"), max_chars=5000) if (summary or "").strip() else ""
    report = feedback.report_for(plan.id)
    first = report is None
    if first:
        report = feedback.new_report(actor, plan, summary)  # the unique key stops a racing first publish
    else:
        ensure_first(plan, commit=False)  # a report from before versions: its version 1 comes first
        current = latest(plan.id, ready=False)
        if current is not None and current.status in (PublicationStatus.PENDING, PublicationStatus.BUILDING):
            raise ServiceError(_("上一版采纳情况反馈仍在生成，请稍后再发布新版本。"), 409)
        revised = feedback.revised_version(plan)
        same_revision = current is not None and current.to_version_id == (revised.id if revised else None)
        if current is not None and same_revision and pending_changes(current) == (0, 0) and not summary:
            raise ServiceError(_("自第 %(v)s 版以来答复没有变化，无需发布新版本。", v=current.version), 409)
    assert report is not None
    number = (db.session.scalar(select(func.max(FeedbackPublication.version)).where(FeedbackPublication.plan_id == plan.id)) or 0) + 1
    base = feedback.consulted_version(plan)
    revised = feedback.revised_version(plan)
    publication = FeedbackPublication(
        plan_id=plan.id, version=number, summary=summary or (report.summary if first else ""), from_version_id=base.id,
        to_version_id=revised.id if revised else None, published_by_id=actor.id, published_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(publication)
    except IntegrityError:
        raise ServiceError(_("另一位工作人员刚刚发布了这一版，请刷新页面。"), 409) from None
    notified = feedback.notify_commenters(plan, report) if first else 0
    audit.record(actor, "feedback.publish", "plan", plan.id, department_id=plan.department_id, notified=notified, version=number)
    dispatch(publication)
    return publication, notified


def ensure_first(plan: Plan, *, commit: bool = True) -> FeedbackPublication | None:
    """A report published before versions existed (or loaded by hand) gets its version 1 here, at first
    access, built from the answers as they are now: inline when small, by the worker when large."""
    report = feedback.report_for(plan.id)
    if report is None:
        return None
    current = latest(plan.id, ready=False)
    if current is None:
        current = FeedbackPublication(
            plan_id=plan.id, version=1, summary=report.summary, from_version_id=report.from_version_id,
            to_version_id=report.to_version_id, published_by_id=report.published_by_id, published_at=report.published_at,
        )
        try:
            with db.session.begin_nested():
                db.session.add(current)
        except IntegrityError:  # another request made it first
            return latest(plan.id, ready=False)
    if current.status == PublicationStatus.PENDING:
        dispatch(current)
        if commit:  # a page view: the built version (or the owed task) is kept
            db.session.commit()
    return current


def dispatch(publication: FeedbackPublication) -> None:
    """Build now when small; owe it to the worker (outbox, after the commit) when large."""
    if tallied_count(publication.plan_id) <= current_app.config.get("FEEDBACK_INLINE_MAX", 3000):
        build(publication.id)
        return
    publication.status = PublicationStatus.BUILDING
    db.session.flush()
    outbox.add(tasks.BUILD_FEEDBACK, publication.id)


def build(publication_id: int) -> str:
    """Store what the report shows (flushes; the caller commits). Rebuilding replaces the rows, so a
    retried task is harmless; a ready publication is never rebuilt."""
    publication = db.session.get(FeedbackPublication, publication_id)
    if publication is None:
        return "missing"
    if publication.status == PublicationStatus.READY:
        return "ready"
    plan = db.session.get(Plan, publication.plan_id)
    snapshot = utcnow()
    agg = feedback.aggregate(plan)
    base = next((v for v in plan.versions if v.id == publication.from_version_id), None) or feedback.consulted_version(plan)
    revised = next((v for v in plan.versions if v.id == publication.to_version_id), None)
    previous = _previous(publication)
    content: dict[str, Any] = {
        "totals": dict(agg.totals), "total": agg.total, "public_count": len(agg.ordered),
        "last_comment_id": db.session.scalar(select(func.max(Comment.id)).where(*feedback.tallied(plan.id))) or 0,
        "base_number": base.number, "revised_number": revised.number if revised else None,
        "clauses": [_row(r) for r in agg.clauses], "clusters": [_row(r) for r in agg.clusters],
        "diff": [[d.kind, d.label, d.old, d.new] for d in feedback.clause_diff(base, revised)] if revised else [],
    }
    content["changes"] = _changes(previous, content, plan.id, snapshot) if previous is not None else None
    db.session.execute(delete(FeedbackOpinion).where(FeedbackOpinion.publication_id == publication.id))
    batch: list[dict[str, Any]] = []
    for position, (row, cid) in enumerate(agg.ordered):
        answer = agg.answers.get(cid)
        batch.append({"publication_id": publication.id, "position": position, "comment_id": cid, "row": row,
                      "status": answer.status if answer else "", "text": answer.text if answer else "", "reason": answer.reason if answer else ""})
        if len(batch) >= INSERT_BATCH:
            db.session.execute(insert(FeedbackOpinion), batch)
            batch = []
    if batch:
        db.session.execute(insert(FeedbackOpinion), batch)
    publication.content, publication.snapshot_at, publication.built_at = content, snapshot, utcnow()
    publication.status, publication.error = PublicationStatus.READY, ""
    db.session.flush()
    return "ready"


def fail(publication_id: int, error: BaseException) -> None:
    publication = db.session.get(FeedbackPublication, publication_id)
    if publication is not None and publication.status != PublicationStatus.READY:
        publication.status, publication.error = PublicationStatus.FAILED, repr(error)[:2000]


def _row(row: feedback.Row) -> dict[str, Any]:
    return {"label": row.label, "anchor": row.anchor, "total": row.total, "statuses": dict(row.statuses),
            "replies": [[r.status, r.text, r.reason] for r in row.replies]}


def _previous(publication: FeedbackPublication) -> FeedbackPublication | None:
    return db.session.scalar(
        select(FeedbackPublication).where(
            FeedbackPublication.plan_id == publication.plan_id, FeedbackPublication.version < publication.version,
            FeedbackPublication.status == PublicationStatus.READY,
        ).order_by(FeedbackPublication.version.desc()).limit(1))


def _changes(previous: FeedbackPublication, content: dict[str, Any], plan_id: int, snapshot: datetime) -> dict[str, Any]:
    """What changed since the previous version: counts per status, opinions added, answers changed."""
    old = previous.content or {}
    codes = list(dict.fromkeys([*status_labels(), *content["totals"], *old.get("totals", {})]))
    answers_changed = 0
    if previous.snapshot_at is not None:
        answers_changed = db.session.scalar(select(func.count()).select_from(Response).where(
            Response.plan_id == plan_id, Response.updated_at > previous.snapshot_at, Response.updated_at <= snapshot)) or 0
    return {
        "previous": previous.version,
        "statuses": {c: content["totals"].get(c, 0) - old.get("totals", {}).get(c, 0) for c in codes},
        "opinions_added": content["total"] - old.get("total", 0),
        "public_added": content["public_count"] - old.get("public_count", 0),
        "answers_changed": answers_changed,
    }


def pending_changes(publication: FeedbackPublication | None) -> tuple[int, int]:
    """(answers given or changed, opinions added) since the publication was built: what the next version would add."""
    if publication is None or publication.snapshot_at is None:
        return 0, 0
    answers = db.session.scalar(select(func.count()).select_from(Response).where(
        Response.plan_id == publication.plan_id, Response.updated_at > publication.snapshot_at)) or 0
    last = (publication.content or {}).get("last_comment_id", 0)
    added = db.session.scalar(select(func.count()).select_from(Comment).where(*feedback.tallied(publication.plan_id), Comment.id > last)) or 0
    return answers, added


# --- reading a stored publication -----------------------------------------------------------------


def _rows(data: list[dict[str, Any]]) -> list[feedback.Row]:
    return [feedback.Row(label=d["label"], anchor=d["anchor"], total=d["total"], statuses=Counter(d["statuses"]),
                         replies=[SimpleNamespace(status=s, text=t, reason=r) for s, t, r in d["replies"]]) for d in data]


def stored_view(plan: Plan, publication: FeedbackPublication, page: int = 1, focus: int | None = None) -> feedback.FeedbackView:
    """The report as published: its stored content, and only the page of opinions it shows."""
    content = publication.content or {}
    public_count = int(content.get("public_count", 0))
    pages = max(1, -(-public_count // feedback.PAGE_SIZE))
    if focus is not None:
        position = db.session.scalar(select(FeedbackOpinion.position).where(
            FeedbackOpinion.publication_id == publication.id, FeedbackOpinion.comment_id == focus))
        if position is not None:
            page = position // feedback.PAGE_SIZE + 1
    page = min(max(1, page), pages)
    start = (page - 1) * feedback.PAGE_SIZE
    rows = db.session.execute(
        select(FeedbackOpinion.row, FeedbackOpinion.status, FeedbackOpinion.text, FeedbackOpinion.reason,
               Comment.id, Comment.author_label, Comment.created_at, Comment.body)
        .join(Comment, Comment.id == FeedbackOpinion.comment_id)
        # An opinion taken down after publishing (moderation, a deleted account) leaves the page.
        .where(FeedbackOpinion.publication_id == publication.id, FeedbackOpinion.position >= start,
               FeedbackOpinion.position < start + feedback.PAGE_SIZE, Comment.status == CommentStatus.PUBLISHED)
        .order_by(FeedbackOpinion.position)).all()
    clauses = _rows(content.get("clauses", []))
    opinions, responses = [], {}
    for n, status, text, reason, cid, author, created, body in rows:
        opinions.append((clauses[n], SimpleNamespace(id=cid, author_label=author, created_at=created, body=body)))
        if status:
            responses[cid] = SimpleNamespace(status=status, text=text, reason=reason)
    versions_by_id = {v.id: v for v in plan.versions}
    base = versions_by_id.get(publication.from_version_id) or feedback.consulted_version(plan)
    return feedback.FeedbackView(
        plan=plan, report=publication, base=base, revised=versions_by_id.get(publication.to_version_id),
        totals=Counter(content.get("totals", {})), total=int(content.get("total", 0)), clauses=clauses,
        clusters=_rows(content.get("clusters", [])), responses=responses,
        diff=[feedback.DiffRow(k, label, [tuple(x) for x in old], [tuple(x) for x in new]) for k, label, old, new in content.get("diff", [])],
        labels=status_labels(), opinions=opinions, page=page, pages=pages, public_count=public_count,
        publication=publication, changes=content.get("changes"),
    )


def view(plan: Plan, page: int = 1, focus: int | None = None, version: int | None = None) -> feedback.FeedbackView | None:
    """The published report (latest ready version, or the one asked for); the live preview before
    publishing; None while the only version is still being built."""
    if feedback.report_for(plan.id) is None:
        return feedback.live_view(plan, page=page, focus=focus)
    if version is not None:
        publication = get(plan.id, version)
        return stored_view(plan, publication, page, focus) if publication is not None and publication.status == PublicationStatus.READY else None
    publication = latest(plan.id)
    if publication is None:
        ensure_first(plan)
        publication = latest(plan.id)
    return stored_view(plan, publication, page, focus) if publication is not None else None


def stored_pdf(plan: Plan, publication: FeedbackPublication, render: Any) -> bytes:
    """The publication's PDF, rendered once from the stored report and kept with it."""
    body = db.session.scalar(select(FeedbackPublication.pdf).where(FeedbackPublication.id == publication.id))
    if body is None:
        body = render(stored_view(plan, publication))
        publication.pdf = body
        db.session.commit()
    return body



def mine(plan: Plan, user: User | None, publication: FeedbackPublication | None) -> list[tuple[Any, Any]]:
    """The viewer's own opinions; on a published version with the answer as it was published."""
    own = feedback.mine(plan, user)
    if publication is None or not own:
        return own
    stored = {cid: SimpleNamespace(status=s, text=t, reason=r) for cid, s, t, r in db.session.execute(
        select(FeedbackOpinion.comment_id, FeedbackOpinion.status, FeedbackOpinion.text, FeedbackOpinion.reason)
        .where(FeedbackOpinion.publication_id == publication.id, FeedbackOpinion.comment_id.in_([c.id for c, _r in own]),
               FeedbackOpinion.status != ""))}
    return [(c, stored.get(c.id)) for c, _r in own]
