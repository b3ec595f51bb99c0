"""SQL aggregates behind the public statistics: GROUP BY queries that return counts, never rows of opinions.

What counts as a public figure: comments of published plans that are published or analysed
(``ANSWERABLE``: published web comments plus imported letters and mirrored forum, hearing and survey
copies, the same set the published feedback report counts), from a registered channel that is
``tallied`` (experts' opinions are not).
Pending, rejected and withdrawn opinions are never counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from consult.core import channels
from consult.core.models import Department
from consult.core.web.languages import N_
from consult.extensions import db
from consult.hearings.models import Hearing, HearingApplication, HearingMinutesPart
from consult.plans.models import Comment, Plan
from consult.responses.models import FeedbackReport, Response
from consult.responses.operations import ANSWERABLE
from consult.suggestions.models import Suggestion, SuggestionStatus

# Handling-time buckets in days: (upper bound exclusive, label translated where shown).
HANDLING_BUCKETS: tuple[tuple[float, str], ...] = (
    (1, N_("1天以内")), (3, N_("1-3天")), (7, N_("3-7天")), (15, N_("7-15天")), (30, N_("15-30天")), (float("inf"), N_("30天以上")),
)


def zone_name() -> str:
    return str(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def local_day(column: ColumnElement) -> ColumnElement:
    """The office-local calendar day of a UTC column, as 'YYYY-MM-DD', computed by the database."""
    if _dialect() == "postgresql":
        return func.to_char(func.timezone(zone_name(), column), "YYYY-MM-DD")
    # SQLite has no zone data: a fixed offset is exact for Asia/Shanghai (no daylight saving since 1991).
    offset = ZoneInfo(zone_name()).utcoffset(datetime.now(UTC))
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return func.date(column, f"{minutes:+d} minutes")


def tallied_sources() -> tuple[str, ...]:
    """Channels counted in public figures (experts' opinions are answered, never tallied in public)."""
    return tuple(c.source for c in channels.all_channels() if c.tallied)


def counted(query: Select, plan_id: int | None = None) -> Select:
    """Restrict a query over Comment to the publicly countable opinions (of one plan, or of every published plan)."""
    query = query.where(Comment.status.in_(ANSWERABLE), Comment.source.in_(tallied_sources()))
    if plan_id is not None:
        return query.where(Comment.plan_id == plan_id)
    return query.where(Comment.plan_id.in_(select(Plan.id).where(Plan.published.is_(True))))


def per_day(plan_id: int | None = None) -> list[tuple[str, int]]:
    day = local_day(Comment.created_at).label("day")
    query = counted(select(day, func.count(Comment.id)), plan_id).group_by(day).order_by(day)
    return [(str(d), n) for d, n in db.session.execute(query)]


def per_channel(plan_id: int | None = None) -> dict[str, int]:
    query = counted(select(Comment.source, func.count(Comment.id)), plan_id).group_by(Comment.source)
    return dict(db.session.execute(query).all())


def per_plan() -> list[tuple[int, str, int]]:
    """(plan id, title, opinions) of every published plan, most discussed first."""
    count = (
        counted(select(Comment.plan_id, func.count(Comment.id).label("n"))).group_by(Comment.plan_id).subquery()
    )
    query = (
        select(Plan.id, Plan.title, func.coalesce(count.c.n, 0))
        .outerjoin(count, count.c.plan_id == Plan.id)
        .where(Plan.published.is_(True))
        .order_by(func.coalesce(count.c.n, 0).desc(), Plan.id)
    )
    return [(i, t, n) for i, t, n in db.session.execute(query)]


def placed_statuses(plan_id: int, links: dict[int, tuple[int, float]]) -> dict[int | None, Counter[str | None]]:
    """Clause id (None: the whole plan) → answer status (None: unanswered) → opinions.

    Placement as in consult.responses.placement: the clause commented on, else the staff
    correction, else the digest's confident mapping. The first two are grouped in SQL; only the
    ids of opinions without either are read, to look them up in the mapping."""
    clause = func.coalesce(Comment.clause_id, Comment.clause_override_id)
    base = select().select_from(Comment).outerjoin(Response, Response.comment_id == Comment.id)
    grouped = counted(base.add_columns(clause, Response.status, func.count(Comment.id)), plan_id).where(clause.is_not(None)).group_by(clause, Response.status)
    result: dict[int | None, Counter[str | None]] = defaultdict(Counter)
    for clause_id, status, n in db.session.execute(grouped):
        result[clause_id][status] += n
    loose = counted(base.add_columns(Comment.id, Response.status), plan_id).where(clause.is_(None))
    if not links:
        loose = counted(base.add_columns(literal(0), Response.status, func.count(Comment.id)), plan_id).where(clause.is_(None)).group_by(Response.status)
        for _zero, status, n in db.session.execute(loose):
            result[None][status] += n
        return dict(result)
    for comment_id, status in db.session.execute(loose):
        link = links.get(comment_id)
        result[link[0] if link else None][status] += 1
    return dict(result)


def untallied_ids(plan_id: int) -> set[int]:
    """Ids of a plan's opinions from channels never tallied in public (few: experts' opinions)."""
    kept_out = tuple(c.source for c in channels.all_channels() if not c.tallied)
    if not kept_out:
        return set()
    return set(db.session.scalars(select(Comment.id).where(Comment.plan_id == plan_id, Comment.source.in_(kept_out))))


def answer_statuses(plan_id: int) -> dict[int, str]:
    """Comment id → answer status of a plan's answered, countable opinions (for the cluster figures)."""
    query = counted(select(Response.comment_id, Response.status).join(Comment, Comment.id == Response.comment_id), plan_id)
    return dict(db.session.execute(query).all())


def adoption_per_plan() -> list[tuple[int, str, dict[str | None, int]]]:
    """Per plan whose feedback report is published: answer status (None: unanswered) → opinions."""
    query = counted(
        select(Comment.plan_id, Response.status, func.count(Comment.id))
        .outerjoin(Response, Response.comment_id == Comment.id)
        .where(Comment.plan_id.in_(select(FeedbackReport.plan_id)))
    ).group_by(Comment.plan_id, Response.status)
    totals: dict[int, dict[str | None, int]] = defaultdict(dict)
    for plan_id, status, n in db.session.execute(query):
        totals[plan_id][status] = n
    titles = dict(db.session.execute(select(Plan.id, Plan.title).where(Plan.id.in_(list(totals)))).all()) if totals else {}
    return [(pid, titles.get(pid, ""), totals[pid]) for pid in sorted(totals)]


def hearings(plan_id: int | None = None) -> list[dict]:
    """Per hearing of a published plan: seats, applications by state, speakers in the published minutes."""
    states = (
        select(HearingApplication.hearing_id, HearingApplication.status, func.count(HearingApplication.id))
        .group_by(HearingApplication.hearing_id, HearingApplication.status)
    )
    speakers = (
        select(HearingMinutesPart.hearing_id, func.count(func.distinct(HearingMinutesPart.speaker)))
        .where(HearingMinutesPart.speaker != "")
        .group_by(HearingMinutesPart.hearing_id)
    )
    query = select(Hearing).join(Plan, Plan.id == Hearing.plan_id).where(Plan.published.is_(True)).order_by(Hearing.starts_at)
    if plan_id is not None:
        query = query.where(Hearing.plan_id == plan_id)
    rows = list(db.session.scalars(query))
    ids = [h.id for h in rows]
    by_state: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        for hid, status, n in db.session.execute(states.where(HearingApplication.hearing_id.in_(ids))):
            by_state[hid][status] = n
        spoken = dict(db.session.execute(speakers.where(HearingMinutesPart.hearing_id.in_(ids))).all())
    else:
        spoken = {}
    return [{"hearing": h, "states": by_state[h.id], "speakers": spoken.get(h.id, 0)} for h in rows]


def _handling_seconds() -> ColumnElement:
    if _dialect() == "postgresql":
        return func.extract("epoch", Suggestion.replied_at - Suggestion.created_at)
    return (func.julianday(Suggestion.replied_at) - func.julianday(Suggestion.created_at)) * 86400.0


def handling(department_id: int | None = None) -> dict:
    """Replied suggestions: count per duration bucket and the median, 75th and 90th percentile in days."""
    seconds = _handling_seconds()
    replied = (Suggestion.status == SuggestionStatus.REPLIED) & Suggestion.replied_at.is_not(None)
    days = seconds / 86400.0
    bucket = case(*[(days < bound, k) for k, (bound, _label) in enumerate(HANDLING_BUCKETS[:-1])], else_=len(HANDLING_BUCKETS) - 1)
    query = select(bucket, func.count(Suggestion.id)).where(replied).group_by(bucket)
    open_query = select(func.count(Suggestion.id)).where(~replied)
    if department_id is not None:
        query, open_query = query.where(Suggestion.department_id == department_id), open_query.where(Suggestion.department_id == department_id)
    counts = dict(db.session.execute(query).all())
    return {
        "buckets": [(label, counts.get(k, 0)) for k, (_bound, label) in enumerate(HANDLING_BUCKETS)],
        "percentiles": _percentiles(seconds, replied),
        "open": db.session.scalar(open_query) or 0,
    }


def _percentiles(seconds: ColumnElement, replied: ColumnElement) -> dict[str, float | None]:
    marks = (0.5, 0.75, 0.9)
    if _dialect() == "postgresql":
        values = db.session.execute(
            select(*[func.percentile_cont(m).within_group(seconds) for m in marks]).where(replied)
        ).one()
    else:
        total = db.session.scalar(select(func.count(Suggestion.id)).where(replied)) or 0
        values = tuple(_interpolated(seconds, replied, m, total) for m in marks)
    return {f"p{int(m * 100)}": (round(v / 86400.0, 2) if v is not None else None) for m, v in zip(marks, values, strict=True)}


def _interpolated(seconds: ColumnElement, replied: ColumnElement, mark: float, total: int) -> float | None:
    """SQLite has no percentile function: read the two values around the rank (ORDER BY … OFFSET)
    and interpolate linearly, as PostgreSQL's percentile_cont does."""
    if not total:
        return None
    rank = mark * (total - 1)
    low = int(rank)
    pair = [float(v) for v in db.session.scalars(select(seconds).where(replied).order_by(seconds).offset(low).limit(2))]
    if len(pair) == 1:
        return pair[0]
    return pair[0] + (pair[1] - pair[0]) * (rank - low)


def department_names() -> dict[int, str]:
    return dict(db.session.execute(select(Department.id, Department.name)).all())
