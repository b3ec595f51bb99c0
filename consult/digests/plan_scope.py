"""The plan scope: a digest of one plan's published and internal comments, optionally of some
sources only (web, letter, forum ...), mapped to the plan's clauses."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from flask import url_for
from sqlalchemy import Text, cast, select, update

from consult.core import channels
from consult.digests.models import Digest
from consult.digests.scopes import Scope
from consult.extensions import db
from consult.plans.models import Comment, CommentStatus, Plan
from worker.analysis.results import ClauseRef, DigestDoc, intern_all

ANALYSED = (CommentStatus.PUBLISHED, CommentStatus.INTERNAL)
ALL_SOURCES = "all"
BATCH = 5000  # rows per fetch from the server-side cursor, decoded together


def sources_key(sources: list[str] | None) -> str:
    """Read from the channel registry when called, so a channel registered later (专家意见) is a source too."""
    known = channels.sources()
    chosen = sorted({s for s in (sources or []) if s in known})
    return ",".join(chosen) if chosen and len(chosen) < len(known) else ALL_SOURCES


def analysed(plan_id: int, key: str):  # type: ignore[no-untyped-def]
    """The comments a plan digest of these sources reads."""
    query = select(Comment).where(Comment.plan_id == plan_id, Comment.status.in_(ANALYSED))
    if key != ALL_SOURCES:
        query = query.where(Comment.source.in_(key.split(",")))
    return query


class PlanScope(Scope):
    name = "plan"

    def load(self, digest: Digest, segmenter: Any) -> tuple[list[Any], list[Any]]:
        # A whole batch of stored tokens is decoded by one json.loads: decoding row by row (the
        # driver's loader, then the column type) was the next largest cost after the ORM's.
        docs: list[DigestDoc] = []
        missing: list[tuple[int, str]] = []
        for batch in _batches(digest):
            stored = json.loads("[" + ",".join(row[1] or "null" for row in batch) + "]")
            share = {}.setdefault  # one string object per distinct token (≈10^5 of them in 15M occurrences at 1M)
            for (cid, _t, body, created_at, source, clause_id, override), tokens in zip(batch, stored, strict=True):
                if tokens is None:
                    missing.append((cid, body))
                    tokens = []
                docs.append(DigestDoc(id=cid, tokens=list(map(share, tokens, tokens)), text=body,
                                      created_at=created_at, source=source, clause_id=clause_id or override))
        if missing:  # comments the intake task has not segmented yet: segmented here, and stored
            segmented = segmenter.tokens_many([b for _c, b in missing])
            at = {d.id: k for k, d in enumerate(docs)}
            for (cid, _b), tokens in zip(missing, segmented, strict=True):
                docs[at[cid]].tokens = intern_all(tokens)
            now = datetime.now(UTC)
            db.session.execute(update(Comment), [{"id": cid, "tokens": t, "segmented_at": now}
                                                 for (cid, _b), t in zip(missing, segmented, strict=True)])
        plan = db.session.get(Plan, digest.plan_id)
        clauses = [
            ClauseRef(id=c.id, label=c.label, tokens=segmenter.tokens(f"{c.number} {c.title} {c.text}"))
            for v in plan.versions
            for c in v.clauses
        ]
        return docs, clauses

    def label(self, digest: Digest) -> str:
        return f"《{digest.plan.title}》"

    def url(self, digest: Digest) -> str:
        source = {} if digest.sources_key == ALL_SOURCES else {"source": digest.sources_key}
        return url_for("digests.page", plan_id=digest.plan_id, **source)


_COLUMNS = (Comment.id, cast(Comment.tokens, Text), Comment.body, Comment.created_at, Comment.source, Comment.clause_id,
            Comment.clause_override_id)


def _batches(digest: Digest) -> Iterator[Sequence[Any]]:
    """The analysed comments' columns (``_COLUMNS``) in id order, ``BATCH`` rows at a time.

    Columns, streamed from a server-side cursor: full Comment objects (JSON decoding and object
    creation of every row) were two thirds of loading 100k comments. The stored tokens come as JSON
    text, decoded a batch at a time by the caller. On PostgreSQL the driver's own server-side cursor
    is read directly: SQLAlchemy's row processing was a fifth of loading, and the one conversion it
    did (``UTCDateTime``: aware datetimes in UTC) is done here."""
    query = analysed(digest.plan_id, digest.sources_key).where(Comment.id <= digest.last_comment_id).order_by(Comment.id)
    raw = db.session.connection().connection.dbapi_connection
    if db.session.get_bind().dialect.name != "postgresql" or not hasattr(raw, "pgconn"):
        yield from db.session.execute(query.with_only_columns(*_COLUMNS).execution_options(yield_per=BATCH)).partitions()
        return
    sql = ("SELECT id, tokens::text, body, created_at, source, clause_id, clause_override_id FROM comment"
           " WHERE plan_id = %(plan)s AND status = ANY(%(status)s) AND id <= %(last)s"
           " AND (%(all)s OR source = ANY(%(sources)s)) ORDER BY id")
    params = {"plan": digest.plan_id, "status": [str(s) for s in ANALYSED], "last": digest.last_comment_id,
              "all": digest.sources_key == ALL_SOURCES, "sources": digest.sources_key.split(",")}
    with raw.cursor(name="digest_load") as cursor:
        cursor.itersize = BATCH
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(BATCH):
            yield [(cid, t, body, _utc(at), source, clause, override) for cid, t, body, at, source, clause, override in batch]


def _utc(value: datetime | None) -> datetime | None:
    """``UTCDateTime.process_result_value``."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
