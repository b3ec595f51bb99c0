"""The adoption feedback (采纳情况反馈) of a plan, computed from the answers: the first publication's
record and notifications, the counts per clause and cluster, the clause diff. Publishing stores the
result as a version (`publications.py`); the public reads that, not this."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from consult.core import channels, notifications
from consult.core.models import User
from consult.core.web.errors import ServiceError
from consult.digests import operations as digests
from consult.digests import page_data, readable
from consult.extensions import db
from consult.plans.models import Clause, Comment, CommentStatus, Plan, PlanVersion
from consult.responses import placement
from consult.responses.models import FeedbackReport, Response
from consult.responses.operations import ANSWERABLE, cluster_ref, status_labels

PAGE_SIZE = 200  # opinions listed per page of the report (a big plan has tens of thousands)
MAX_DIFF_CHARS = 20_000  # a clause longer than this is shown whole, not diffed character by character


def tallied(plan_id: int) -> list:  # type: ignore[type-arg]
    """Conditions for the opinions the public report counts: answerable, of a channel counted in public
    figures (experts' opinions are answered on the workbench and reported to staff, never tallied here)."""
    conditions = [Comment.plan_id == plan_id, Comment.status.in_(ANSWERABLE)]
    if channels.untallied():
        conditions.append(Comment.source.not_in(channels.untallied()))
    return conditions


def _untallied_ids(plan_id: int) -> set[int]:
    if not channels.untallied():
        return set()
    return set(db.session.scalars(select(Comment.id).where(Comment.plan_id == plan_id, Comment.source.in_(channels.untallied()))))


def report_for(plan_id: int) -> FeedbackReport | None:
    return db.session.scalar(select(FeedbackReport).where(FeedbackReport.plan_id == plan_id))


def consulted_version(plan: Plan) -> PlanVersion:
    """The newest version that received opinions (what people commented on); else the first."""
    # One indexed EXISTS per version (a plan has a few), not a sort of every opinion.
    for version in sorted(plan.versions, key=lambda v: v.id, reverse=True):
        if db.session.scalar(select(Comment.id).where(*tallied(plan.id), Comment.version_id == version.id).limit(1)) is not None:
            return version
    return plan.versions[0]


def revised_version(plan: Plan, report: FeedbackReport | None = None) -> PlanVersion | None:
    """The version the diff compares with: the newest one after the consulted version, if any."""
    base = next((v for v in plan.versions if report and v.id == report.from_version_id), None) or consulted_version(plan)
    newest = plan.current_version
    return newest if newest is not None and newest.number > base.number else None


def new_report(actor: User, plan: Plan, summary: str) -> FeedbackReport:
    """The plan-level record of the first publication (who, when, how many were told); versions follow it."""
    report = FeedbackReport(plan_id=plan.id, summary=summary, published_by_id=actor.id)
    base, revised = consulted_version(plan), revised_version(plan)
    report.from_version_id, report.to_version_id = base.id, revised.id if revised else None
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:
        # Two first publishes raced: the other one won, this one changes nothing.
        db.session.rollback()
        raise ServiceError(_("另一位工作人员刚刚发布了采纳情况反馈，请刷新页面。"), 409) from None
    return report


def notify_commenters(plan: Plan, report: FeedbackReport) -> int:
    """Every commenter with an account hears once, with a link to their own first opinion."""
    first_comment = db.session.execute(
        select(Comment.user_id, func.min(Comment.id), func.count(Comment.id))
        .where(*tallied(plan.id), Comment.user_id.is_not(None))
        .group_by(Comment.user_id)
    ).all()
    title = _("《%(t)s》的意见采纳情况已公布", t=plan.title)[:200]
    for user_id, comment_id, count in first_comment:
        notifications.notify(
            user_id, "feedback", title,
            _("您对该方案提出的 %(n)s 条意见的处理情况和答复已经公布。", n=count),
            f"/plans/{plan.id}/feedback?c={comment_id}#c{comment_id}",
        )
    report.notified = len(first_comment)
    db.session.flush()
    return report.notified


# --- what the report page shows ------------------------------------------------------------------


@dataclass
class Row:
    """One clause (or the whole plan) or one cluster: how many opinions and what was done."""

    label: str
    anchor: str = ""
    total: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    replies: list[Any] = field(default_factory=list)  # answers (objects or rows with status, text, reason)

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())


@dataclass
class DiffRow:
    kind: str  # "same", "changed", "added", "removed"
    label: str
    old: list[tuple[str, str]]  # (op, text) with op in "equal", "delete"
    new: list[tuple[str, str]]  # (op, text) with op in "equal", "insert"


@dataclass
class FeedbackView:
    plan: Plan
    report: FeedbackReport | None
    base: PlanVersion
    revised: PlanVersion | None
    totals: Counter[str]
    total: int
    clauses: list[Row]
    clusters: list[Row]
    responses: dict[int, Response]
    diff: list[DiffRow]
    labels: dict[str, str]
    opinions: list[tuple[Row, Comment]]  # this page of the public opinions, in clause order
    page: int
    pages: int
    public_count: int = 0  # public opinions on every page
    publication: Any = None  # the stored FeedbackPublication shown (None in the staff preview)
    changes: dict[str, Any] | None = None  # what changed since the previous version


def _distinct_replies(responses: list[Any], limit: int = 3) -> list[Any]:
    seen: dict[tuple[str, str, str], Any] = {}
    for r in responses:
        seen.setdefault((r.status, r.text, r.reason), r)
    return list(seen.values())[:limit]


@dataclass
class _Aggregate:
    """Everything of the report but the page of opinions: counted once per change of its inputs."""

    totals: Counter[str]
    total: int
    clauses: list[Row]
    clusters: list[Row]
    ordered: list[tuple[int, int]]  # (index in clauses, comment id) of every public opinion, in clause order
    answers: dict[int, Any] = field(default_factory=dict)  # comment id → (comment_id, status, text, reason)


def _fingerprint(plan: Plan) -> tuple[object, ...]:
    """Changes whenever an opinion, an answer, a staff clause correction or the latest digest changes."""
    comments = db.session.execute(
        select(func.count(), func.max(Comment.id), func.sum(func.coalesce(Comment.clause_override_id, 0)), func.max(Comment.status))
        .where(*tallied(plan.id))
    ).one()
    answers = db.session.execute(select(func.count(), func.max(Response.updated_at)).where(Response.plan_id == plan.id)).one()
    digest = digests.latest(plan.id)
    return (plan.id, tuple(comments), tuple(answers), digest.id if digest else None, readable.min_confidence())


def aggregate(plan: Plan) -> _Aggregate:
    """Counts per clause and cluster from column loads (no Comment objects: 100k of them took 18 s)."""
    kept_out = _untallied_ids(plan.id)
    answers = {r.comment_id: r for r in db.session.execute(
        select(Response.comment_id, Response.status, Response.text, Response.reason).where(Response.plan_id == plan.id).order_by(Response.id))
        if r.comment_id not in kept_out}
    clauses = {c.id: c for v in plan.versions for c in v.clauses}
    rows: dict[int | None, Row] = {}
    published: dict[int | None, list[int]] = {}
    totals: Counter[str] = Counter()
    total = 0
    links = placement.mapped_links(plan)
    query = select(Comment.id, Comment.clause_id, Comment.clause_override_id, Comment.status).where(*tallied(plan.id)).order_by(Comment.id)
    for cid, clause_id, override, status in db.session.execute(query):
        total += 1
        clause_id = placement.place_ids(cid, clause_id, override, links).clause_id
        if clause_id not in rows:
            clause: Clause | None = clauses.get(clause_id) if clause_id else None
            rows[clause_id] = Row(label=clause.label if clause else _("整个方案"), anchor=f"clause-{clause_id}" if clause_id else "clause-all")
            published[clause_id] = []
        row = rows[clause_id]
        row.total += 1
        answer = answers.get(cid)
        if answer is not None:
            row.statuses[answer.status] += 1
            row.replies.append(answer)
            totals[answer.status] += 1
        if status == CommentStatus.PUBLISHED:  # imported letters are counted, never shown
            published[clause_id].append(cid)
    order = {c.id: (c.version.number, c.position) for c in clauses.values()}
    keys = sorted(rows, key=lambda k: (0, 0) if k is None else (1, *order.get(k, (0, 0))))
    for key in keys:
        rows[key].replies = _distinct_replies(rows[key].replies)
    ordered = [(n, cid) for n, key in enumerate(keys) for cid in published[key]]
    return _Aggregate(totals, total, [rows[k] for k in keys], _cluster_rows(plan, answers), ordered, answers)


def live_view(plan: Plan, page: int = 1, focus: int | None = None) -> FeedbackView:
    """The report as it would be published now (the staff preview before the first publication);
    ``focus`` (a comment id) picks the page that shows it. The public reads stored publications
    (`publications.view`), never this.

    The counts are made once per change of their inputs (per process), then each view reads its
    page of 200 opinions and their answers only."""
    report = report_for(plan.id)
    base = next((v for v in plan.versions if report and v.id == report.from_version_id), None) or consulted_version(plan)
    revised = revised_version(plan, report)
    agg: _Aggregate = page_data.memo(("feedback", *_fingerprint(plan)), lambda: aggregate(plan))
    pages = max(1, -(-len(agg.ordered) // PAGE_SIZE))
    if focus is not None:
        page = next((k // PAGE_SIZE + 1 for k, (_row, cid) in enumerate(agg.ordered) if cid == focus), page)
    page = min(max(1, page), pages)
    shown = agg.ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ids = [cid for _row, cid in shown]
    comments = {c.id: c for c in db.session.scalars(select(Comment).options(defer(Comment.tokens)).where(Comment.id.in_(ids)))} if ids else {}
    responses = {r.comment_id: r for r in db.session.scalars(select(Response).where(Response.comment_id.in_(ids)))} if ids else {}
    return FeedbackView(
        opinions=[(agg.clauses[n], comments[cid]) for n, cid in shown if cid in comments], page=page, pages=pages,
        plan=plan, report=report, base=base, revised=revised, totals=agg.totals, total=agg.total,
        clauses=agg.clauses, clusters=agg.clusters, responses=responses,
        diff=clause_diff(base, revised) if revised else [], labels=status_labels(), public_count=len(agg.ordered),
    )


def _cluster_rows(plan: Plan, responses: dict[int, Any]) -> list[Row]:
    digest = digests.latest(plan.id)
    result = page_data.parsed(digest) if digest is not None else None
    if result is None:
        return []
    kept_out = _untallied_ids(plan.id)  # experts' opinions are clustered with the rest, counted apart
    rows = []
    for t, theme in enumerate(result.themes):
        for i, issue in enumerate(theme.issues):
            members = [m for m in issue.member_ids if m not in kept_out]
            if not members:
                continue
            answers = [responses[m] for m in members if m in responses]
            ref = cluster_ref(digest.number, t, i)
            rows.append(Row(
                label=f"{theme.label} › {issue.label}", anchor=ref, total=len(members),
                statuses=Counter(r.status for r in answers), replies=_distinct_replies(answers),
            ))
    return rows


def mine(plan: Plan, user: User | None) -> list[tuple[Comment, Response | None]]:
    """'What happened to my opinion': the viewer's own comments on the plan, whatever their state."""
    if user is None or not getattr(user, "id", None):
        return []
    query = select(Comment).where(Comment.plan_id == plan.id, Comment.user_id == user.id)
    if channels.untallied():  # an expert's opinions live in their own space, not on the public page
        query = query.where(Comment.source.not_in(channels.untallied()))
    own = list(db.session.scalars(query.order_by(Comment.id)))
    responses = {r.comment_id: r for r in db.session.scalars(select(Response).where(Response.comment_id.in_([c.id for c in own])))} if own else {}
    return [(c, responses.get(c.id)) for c in own]


# --- side-by-side clause diff --------------------------------------------------------------------


def _signature(clause: Clause) -> str:
    # Numbers are left out: inserting a clause renumbers the rest, which is not a change of substance.
    return f"{clause.title}\n{clause.text}"


def _chars(old: str, new: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    if len(old) + len(new) > MAX_DIFF_CHARS:
        return [("delete", old)], [("insert", new)]
    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(("equal", old[a1:a2]))
            right.append(("equal", new[b1:b2]))
            continue
        if a2 > a1:
            left.append(("delete", old[a1:a2]))
        if b2 > b1:
            right.append(("insert", new[b1:b2]))
    return left, right


def _text(clause: Clause) -> str:
    return " ".join(p for p in (clause.number, clause.title, clause.text) if p)


def clause_diff(old: PlanVersion, new: PlanVersion | None) -> list[DiffRow]:
    """Align the clauses of two versions (unchanged ones exactly, changed ones in order) and diff each pair."""
    if new is None:
        return []
    a, b = list(old.clauses), list(new.clauses)
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, [_signature(c) for c in a], [_signature(c) for c in b], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for x, y in zip(a[a1:a2], b[b1:b2], strict=True):
                rows.append(DiffRow("same", y.label, [("equal", _text(x))], [("equal", _text(y))]))
            continue
        olds, news = a[a1:a2], b[b1:b2]
        for x, y in zip(olds, news, strict=False):
            left, right = _chars(_text(x), _text(y))
            rows.append(DiffRow("changed", y.label, left, right))
        for x in olds[len(news):]:
            rows.append(DiffRow("removed", x.label, [("delete", _text(x))], []))
        for y in news[len(olds):]:
            rows.append(DiffRow("added", y.label, [], [("insert", _text(y))]))
    return rows
