"""The full-text index over comments' stored jieba terms, per backend.

PostgreSQL: a GIN index over ``to_tsvector('simple', search_terms)`` (the terms are already
segmented and normalised; ``simple`` only lowercases). SQLite: an FTS5 table with the comment
table as its external content, kept current by triggers. Both are created by migration
9e5a0b7c2f54 and are not SQLAlchemy objects: ``SCHEMA_OBJECTS`` names them for the schema check.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, select, text

from consult.plans.models import Comment

PG_INDEX = "ix_comment_search_fts"
FTS_TABLE = "comment_fts"
# The FTS5 table and its shadow tables: present in a migrated SQLite database, absent from the models.
SCHEMA_OBJECTS = frozenset({PG_INDEX, FTS_TABLE, *(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "docsize", "config", "content"))})

def include_name(name: str | None, type_: str, parent_names: Any = None) -> bool:
    """For Alembic's comparison: the search index objects are hand-made, not models."""
    return name not in SCHEMA_OBJECTS


def _pg_vector() -> ColumnElement[Any]:
    # Spelled as the index is, so the planner uses it.
    return func.to_tsvector(literal_column("'simple'::regconfig"), Comment.search_terms)


def _pg_query(terms: list[str]) -> ColumnElement[Any]:
    query: ColumnElement[Any] | None = None
    for term in terms:
        part = func.plainto_tsquery(literal_column("'simple'::regconfig"), term)
        query = part if query is None else query.op("&&")(part)
    assert query is not None
    return query


def fts5_query(terms: list[str]) -> str:
    """Every term as one quoted FTS5 string (all must match); quotes doubled, so no operator gets through."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def pg_match(terms: list[str]) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """PostgreSQL: the condition on ``comment`` (answered from the GIN index) and its rank (ascending = best)."""
    query = _pg_query(terms)
    return _pg_vector().op("@@")(query), -func.ts_rank(_pg_vector(), query)


def matching(dialect: str, terms: list[str]):  # type: ignore[no-untyped-def]
    """A select of (comment id, rank) for comments holding every term, best first (rank ascending)."""
    if dialect == "postgresql":
        condition, rank = pg_match(terms)
        return select(Comment.id.label("id"), rank.label("rank")).where(condition)
    return select(literal_column("rowid").label("id"), literal_column("rank").label("rank")).select_from(
        text(FTS_TABLE)).where(literal_column(FTS_TABLE).op("MATCH")(fts5_query(terms)))
