"""Chinese full-text search: query and documents are segmented alike; 繁体 and 简体 match."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select

from consult.core.text import segmenter
from consult.extensions import db
from consult.plans.models import Comment, CommentStatus, Plan

MAX_TERMS = 8


@dataclass
class Results:
    terms: list[str]
    plans: list[Plan]
    comments: list[Comment]


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _match(column, terms: list[str]):  # type: ignore[no-untyped-def]
    return and_(*(column.like(f"% {_like_escape(t)} %", escape="\\") for t in terms))


def query_terms(q: str) -> list[str]:
    return list(dict.fromkeys(segmenter().search_terms(q or "")))[:MAX_TERMS]


def search(q: str, *, limit: int = 50) -> Results:
    terms = query_terms(q)
    if not terms:
        return Results([], [], [])
    plans = db.session.scalars(
        select(Plan).where(Plan.published.is_(True), _match(Plan.search_terms, terms)).limit(limit)
    )
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.status == CommentStatus.PUBLISHED, _match(Comment.search_terms, terms))
        .order_by(Comment.created_at.desc())
        .limit(limit)
    )
    return Results(terms, list(plans), list(comments))
