"""Recompute the stored search terms of comments, forum posts and plans.

Terms are cut when a text is stored; when the segmenter or its canonical form changes (a
release, a new user dictionary), rows stored before keep the old terms and a query cut the new
way misses them. ``consult reindex`` runs this once after such an upgrade; it is idempotent and
writes only rows whose terms change, in batches, so it can run on a live site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Select, bindparam, select, update

from consult.core.text import search_terms
from consult.extensions import db
from consult.forums.models import Post, Thread
from consult.plans.models import Comment, Plan, PlanVersion

BATCH = 2000


def _batches(query: Select, key: Any, size: int) -> Iterator[list[Any]]:
    # Keyset pagination: the table may grow while this runs, and OFFSET rescans.
    last = 0
    while True:
        rows = db.session.execute(query.where(key > last).order_by(key).limit(size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _rewrite(model: Any, query: Select, text_of: Callable[[Any], str], size: int) -> int:
    table = model.__table__
    changed = 0
    for rows in _batches(query, table.c.id, size):
        fresh = [{"row_id": r[0], "terms": search_terms(text_of(r))} for r in rows]
        stale = [f for f, r in zip(fresh, rows, strict=True) if f["terms"] != r[1]]
        if stale:
            db.session.execute(
                update(table).where(table.c.id == bindparam("row_id")).values(search_terms=bindparam("terms")),
                stale,
                execution_options={"synchronize_session": False},
            )
            db.session.commit()
            changed += len(stale)
    return changed


def _plan_text(row: Any) -> str:
    _id, _terms, title, summary = row[:4]
    body = db.session.scalar(
        select(PlanVersion.body).where(PlanVersion.plan_id == _id).order_by(PlanVersion.number.desc()).limit(1)
    )
    return f"{title} {summary} {body or ''}"


def reindex(size: int = BATCH) -> dict[str, int]:
    """Rows whose search terms changed, per kind; commits each batch."""
    comments = select(Comment.id, Comment.search_terms, Comment.body)
    posts = select(Post.id, Post.search_terms, Post.body, Post.is_opener, Thread.title).join(Thread, Post.thread_id == Thread.id)
    plans = select(Plan.id, Plan.search_terms, Plan.title, Plan.summary)
    return {
        "comments": _rewrite(Comment, comments, lambda r: r[2], size),
        "posts": _rewrite(Post, posts, lambda r: f"{r[4]} {r[2]}" if r[3] else r[2], size),
        "plans": _rewrite(Plan, plans, _plan_text, size),
    }
