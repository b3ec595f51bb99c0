"""Query terms and the LIKE match over stored terms (shared with the forum search)."""

from __future__ import annotations

from sqlalchemy import and_

from consult.core.text import segmenter

MAX_TERMS = 8


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _match(column, terms: list[str]):  # type: ignore[no-untyped-def]
    return and_(*(column.like(f"% {_like_escape(t)} %", escape="\\") for t in terms))


def _contains(column, terms: list[str]):  # type: ignore[no-untyped-def]
    return and_(*(column.like(f"%{_like_escape(t)}%", escape="\\") for t in terms))


def query_terms(q: str) -> list[str]:
    return list(dict.fromkeys(segmenter().search_terms(q or "")))[:MAX_TERMS]
