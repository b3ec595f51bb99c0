"""Chinese full-text search: query and documents are segmented alike; 繁体 and 简体 match.

Comments (the hundreds of thousands) go through the full-text index (consult/search/index.py),
ranked; plans, forum posts, public suggestions and published answers are few and matched on their
stored terms or text. Results are paginated by kind."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from consult.extensions import db
from consult.forums import operations as forums
from consult.forums.models import Post
from consult.plans.models import Clause, Comment, CommentStatus, Plan
from consult.responses.models import FeedbackReport, Response
from consult.search import index
from consult.search.queries import _contains, _match, query_terms
from consult.suggestions.models import Suggestion, SuggestionStatus

PAGE_SIZE = 20
COUNT_CAP = 10_000  # matches counted exactly; more is shown as “10000+”
KINDS = ("comments", "plans", "posts", "suggestions", "answers")


@dataclass
class Results:
    terms: list[str]
    plans: list[Plan] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    comment_total: int = 0
    posts: list[Post] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    answers: list[tuple[Response, Plan]] = field(default_factory=list)
    page: int = 1
    plan_titles: dict[int, str] = field(default_factory=dict)  # of the comments shown
    clause_labels: dict[int, str] = field(default_factory=dict)

    @property
    def capped(self) -> bool:
        return self.comment_total >= COUNT_CAP

    @property
    def pages(self) -> int:
        return max(1, -(-self.comment_total // PAGE_SIZE))


def comments(terms: list[str], page: int = 1) -> tuple[list[Comment], int]:
    """Published comments holding every term, one page; and how many there are (counted up to COUNT_CAP).

    Up to COUNT_CAP matches they are ranked by relevance; past it (a common word), newest first:
    ranking every one of hundreds of thousands of matches would cost seconds for a page of 20."""
    visible = select(Comment.id).join(Plan, Plan.id == Comment.plan_id).where(Comment.status == CommentStatus.PUBLISHED, Plan.published.is_(True))
    if db.engine.dialect.name == "postgresql":
        condition, rank = index.pg_match(terms)  # on the comment row itself: no self-join
        visible = visible.where(condition)
    else:
        hits = index.matching(db.engine.dialect.name, terms).subquery()
        visible, rank = visible.join(hits, hits.c.id == Comment.id), hits.c.rank
    total = db.session.scalar(select(func.count()).select_from(visible.limit(COUNT_CAP).subquery())) or 0
    order = (Comment.created_at.desc(), Comment.id.desc()) if total >= COUNT_CAP else (rank, Comment.created_at.desc(), Comment.id.desc())
    ranked = visible.order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ids = list(db.session.scalars(ranked))
    found = {c.id: c for c in db.session.scalars(select(Comment).options(defer(Comment.tokens)).where(Comment.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found], total


def _context(results: Results) -> None:
    """Plan titles and clause labels of the comments shown (one query each)."""
    plan_ids = {c.plan_id for c in results.comments}
    clause_ids = {c.clause_id for c in results.comments if c.clause_id}
    if plan_ids:
        results.plan_titles = {pid: title for pid, title in db.session.execute(select(Plan.id, Plan.title).where(Plan.id.in_(plan_ids)))}
    if clause_ids:
        results.clause_labels = {c.id: c.label for c in db.session.scalars(select(Clause).where(Clause.id.in_(clause_ids)))}


def search(q: str, *, page: int = 1, limit: int = PAGE_SIZE) -> Results:
    terms = query_terms(q)
    if not terms:
        return Results([])
    found, total = comments(terms, page)
    out = Results(terms, comments=found, comment_total=total, page=page)
    _context(out)
    if page == 1:  # the other kinds are few: shown whole on the first page
        out.plans = list(db.session.scalars(select(Plan).where(Plan.published.is_(True), _match(Plan.search_terms, terms)).limit(limit)))
        out.posts = forums.search(q, limit=limit)[1]
        out.suggestions = list(db.session.scalars(
            select(Suggestion).where(Suggestion.allow_public.is_(True), Suggestion.status == SuggestionStatus.REPLIED,
                                     _contains(Suggestion.title + " " + Suggestion.body + " " + Suggestion.reply, terms))
            .order_by(Suggestion.created_at.desc()).limit(limit)))
        out.answers = answers(terms, limit)
    return out


def answers(terms: list[str], limit: int) -> list[tuple[Response, Plan]]:
    """Answers in published feedback reports whose text holds every term; one per distinct text and plan."""
    plans = list(db.session.scalars(select(FeedbackReport.plan_id)))
    if not plans:  # nothing published: no scan of the answers at all
        return []
    first = (
        select(func.min(Response.id))
        .where(Response.plan_id.in_(plans), _contains(Response.text + " " + Response.reason, terms))
        .group_by(Response.plan_id, Response.text).limit(limit)
    )
    rows = db.session.execute(
        select(Response, Plan).join(Plan, Plan.id == Response.plan_id).where(Response.id.in_(first)).order_by(Response.id.desc())
    ).all()
    return [(r, p) for r, p in rows]
