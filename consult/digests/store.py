"""Digest results as rows: what the pages read instead of the whole result.

A finished plan digest is stored twice: the pipeline's result dict (``digest.result``, JSON: the
next build's previous version, the API, exports) and, written here once, the rows its pages show:
one ``digest_theme`` and ``digest_issue`` per theme and issue, already described for readers
(phrased label, summary, quotes, confident clauses, campaigns, lineage against the previous
version), one ``digest_issue_comment`` per analysed comment (its issue, rank and clause link),
and one ``digest_view`` (overview counts, campaigns). A page then reads a few hundred small rows
and counts answers in SQL; the issue page reads one page of membership by rank.

``describe_rows`` is pure (texts are given), so the migration that converts digests stored before
these tables existed uses it too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from consult.digests import readable
from consult.digests.models import Digest, DigestIssue, DigestIssueComment, DigestTheme, DigestView
from worker.analysis.lineage import Lineage
from worker.analysis.phrasing import Quote
from worker.analysis.results import DigestResult

BATCH = 5000  # membership rows per INSERT


@dataclass
class Rows:
    themes: list[dict[str, Any]] = field(default_factory=list)  # each with "issues": [dict with "members"]
    view: dict[str, Any] = field(default_factory=dict)


def describe_rows(result: DigestResult, number: int, texts: dict[int, str], threshold: float,
                  previous: DigestResult | None = None, previous_number: int | None = None) -> Rows:
    """The rows of a digest: the readable view of ``readable.describe`` and ``add_lineage`` (what
    the page used to compute on first view), the membership and the overview counts."""
    views = readable.describe(result, number, texts, threshold)
    readable.add_lineage(views, result, previous, previous_number)
    links = result.clause_links
    rows = Rows()
    for tv in views:
        theme = result.themes[tv.index]
        issues = []
        for iv in tv.issues:
            issue = theme.issues[iv.index]
            issues.append({
                "theme_position": tv.index, "position": iv.index, "ref": iv.ref, "label": iv.label, "raw_label": issue.label,
                "summary": iv.summary, "size": iv.size, "share": iv.share, "stance_counts": dict(iv.stance_counts),
                "keywords": list(iv.keywords), "clauses": [list(c) for c in iv.clauses], "campaigns": list(iv.campaigns),
                "quotes": [{"comment_id": q.comment_id, "text": q.text, "page": iv.quote_pages.get(q.comment_id, 1)} for q in iv.quotes],
                "lineage": iv.lineage.to_dict() if iv.lineage else None,
                "members": [(m, *(links.get(m) or (None, None))) for m in issue.member_ids],
            })
        rows.themes.append({"position": tv.index, "label": tv.label, "raw_label": theme.label, "size": tv.size, "share": tv.share,
                            "stance_counts": dict(tv.stance_counts), "keywords": list(tv.keywords), "issues": issues})
    confident = readable.confident_links(result, threshold)
    per_clause = Counter(confident[i] for i in result.assignments if i in confident)
    rows.view = {
        "threshold": threshold, "total": len(result.assignments),
        "whole_plan": sum(1 for i in result.assignments if i not in confident),
        "per_clause": {str(c): n for c, n in per_clause.items()},
        "campaigns": [{"size": c.size, "first_at": c.first_at.isoformat(), "last_at": c.last_at.isoformat(),
                       "representative_id": c.representative_id, "representative_text": c.representative_text} for c in result.campaigns],
    }
    return rows


def write(connection: Connection, digest_id: int, rows: Rows) -> None:
    """Insert the rows (replacing any of this digest): themes and issues one by one for their ids,
    membership in batches. Works on a session's connection and on a migration's."""
    for table in (DigestIssueComment, DigestIssue, DigestTheme, DigestView):
        connection.execute(delete(table.__table__).where(table.__table__.c.digest_id == digest_id))
    members: list[tuple[Any, ...]] = []
    for theme in rows.themes:
        values = {k: v for k, v in theme.items() if k != "issues"}
        theme_id = connection.execute(insert(DigestTheme.__table__).values(digest_id=digest_id, **values)).inserted_primary_key[0]
        for issue in theme["issues"]:
            values = {k: v for k, v in issue.items() if k != "members"}
            issue_id = connection.execute(insert(DigestIssue.__table__).values(digest_id=digest_id, theme_id=theme_id, **values)).inserted_primary_key[0]
            members.extend((issue_id, r, digest_id, m, c, f) for r, (m, c, f) in enumerate(issue["members"]))
    _insert_members(connection, members)
    connection.execute(insert(DigestView.__table__).values(digest_id=digest_id, **rows.view))


MEMBER_COLUMNS = ("issue_id", "rank", "digest_id", "comment_id", "clause_id", "confidence")


def _copy_value(value: Any) -> str:
    return "\\N" if value is None else repr(float(value)) if isinstance(value, float) else str(int(value))


def _insert_members(connection: Connection, members: list[tuple[Any, ...]]) -> None:
    """One row per analysed comment: COPY on PostgreSQL (an INSERT of 100,000 rows went row by row
    through the driver's pipeline), batched INSERTs elsewhere."""
    if connection.dialect.name == "postgresql" and hasattr(connection.connection.dbapi_connection, "pgconn"):
        raw = connection.connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY digest_issue_comment ({', '.join(MEMBER_COLUMNS)}) FROM STDIN") as copy:
            for k in range(0, len(members), 50_000):  # COPY's text format, built by one join per chunk
                copy.write("".join(f"{i}\t{r}\t{d}\t{m}\t{_copy_value(c)}\t{_copy_value(f)}\n"
                                   for i, r, d, m, c, f in members[k : k + 50_000]))
        return
    for k in range(0, len(members), BATCH):
        connection.execute(insert(DigestIssueComment.__table__), [dict(zip(MEMBER_COLUMNS, row, strict=True)) for row in members[k : k + BATCH]])


# --- reading -------------------------------------------------------------------------------


def has_rows(session: Any, digest: Digest) -> bool:
    return session.get(DigestView, digest.id) is not None


@dataclass
class Campaign:
    size: int
    first_at: datetime
    last_at: datetime
    representative_id: int
    representative_text: str


@dataclass
class PageResult:
    """What the page template reads of ``result`` (campaigns, truthiness) without the whole result."""

    campaigns: list[Campaign]
    themes: list[readable.ThemeView]


def _issue_view(row: DigestIssue) -> readable.IssueView:
    quotes = [Quote(int(q["comment_id"]), str(q["text"])) for q in row.quotes]
    return readable.IssueView(
        ref=row.ref, theme=row.theme_position, index=row.position, label=row.label, summary=row.summary, quotes=quotes,
        size=row.size, share=row.share, stance_counts=dict(row.stance_counts), clauses=[(int(c), int(n)) for c, n in row.clauses],
        campaigns=list(row.campaigns), keywords=list(row.keywords), lineage=Lineage(**row.lineage) if row.lineage else None,
        quote_pages={int(q["comment_id"]): int(q.get("page", 1)) for q in row.quotes},
    )


def themes_view(session: Any, digest: Digest) -> list[readable.ThemeView]:
    """The digest's readable themes from its rows (no answered counts: ``add_answers``)."""
    themes = {t.id: readable.ThemeView(t.position, t.label, t.size, t.share, dict(t.stance_counts), list(t.keywords))
              for t in session.scalars(select(DigestTheme).where(DigestTheme.digest_id == digest.id).order_by(DigestTheme.position))}
    for row in session.scalars(select(DigestIssue).where(DigestIssue.digest_id == digest.id).order_by(DigestIssue.theme_position, DigestIssue.position)):
        themes[row.theme_id].issues.append(_issue_view(row))
    return list(themes.values())


def answered_counts(session: Any, digest: Digest, answered_comment_ids: Any) -> dict[tuple[int, int], int]:
    """Answered opinions per (theme, issue), counted in SQL (``answered_comment_ids``: a select of comment ids)."""
    query = (
        select(DigestIssue.theme_position, DigestIssue.position, func.count())
        .join(DigestIssueComment, DigestIssueComment.issue_id == DigestIssue.id)
        .where(DigestIssue.digest_id == digest.id, DigestIssueComment.comment_id.in_(answered_comment_ids))
        .group_by(DigestIssue.theme_position, DigestIssue.position)
    )
    return {(t, i): int(n) for t, i, n in session.execute(query)}


def add_answers(themes: list[readable.ThemeView], counts: dict[tuple[int, int], int]) -> None:
    for tv in themes:
        for iv in tv.issues:
            iv.answered = counts.get((iv.theme, iv.index), 0)


def overview(session: Any, digest: Digest, clause_order: list[int], per_day: list[tuple[str, int]], channels: Counter[str]) -> tuple[readable.Overview, list[Campaign]]:
    view = session.get(DigestView, digest.id)
    per_clause = {int(c): int(n) for c, n in view.per_clause.items()}
    campaigns = [Campaign(c["size"], datetime.fromisoformat(c["first_at"]), datetime.fromisoformat(c["last_at"]), c["representative_id"], c["representative_text"])
                 for c in view.campaigns]
    return readable.Overview(
        total=view.total, per_day=per_day, per_clause=[(c, per_clause[c]) for c in clause_order if per_clause.get(c)],
        whole_plan=view.whole_plan, per_channel=channels.most_common(), threshold=view.threshold,
    ), campaigns


def issue(session: Any, digest: Digest, theme: int, position: int) -> tuple[DigestTheme, DigestIssue] | None:
    row = session.scalar(select(DigestIssue).where(DigestIssue.digest_id == digest.id, DigestIssue.theme_position == theme, DigestIssue.position == position))
    return None if row is None else (session.get(DigestTheme, row.theme_id), row)


def members_page(session: Any, issue_id: int, page: int, per_page: int) -> list[tuple[int, int | None, float | None]]:
    """(comment id, clause id, confidence) of one page of the issue, by rank: a range on the primary key."""
    start = (page - 1) * per_page
    query = (
        select(DigestIssueComment.comment_id, DigestIssueComment.clause_id, DigestIssueComment.confidence)
        .where(DigestIssueComment.issue_id == issue_id, DigestIssueComment.rank >= start, DigestIssueComment.rank < start + per_page)
        .order_by(DigestIssueComment.rank)
    )
    return [(int(c), k, f) for c, k, f in session.execute(query)]


def member_ids(session: Any, digest: Digest, theme: int, position: int) -> list[int] | None:
    """Every comment id of one issue in rank order (a cluster reference's members), None if no such issue."""
    found = issue(session, digest, theme, position)
    if found is None:
        return None
    query = select(DigestIssueComment.comment_id).where(DigestIssueComment.issue_id == found[1].id).order_by(DigestIssueComment.rank)
    return [int(c) for c in session.scalars(query)]


def member_count(session: Any, issue_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(DigestIssueComment).where(DigestIssueComment.issue_id == issue_id)) or 0)
