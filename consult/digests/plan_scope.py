"""The plan scope: a digest of one plan's published and internal comments, optionally of some
sources only (web, letter, forum ...), mapped to the plan's clauses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for
from sqlalchemy import select, update

from consult.core import channels
from consult.digests.models import Digest
from consult.digests.scopes import Scope
from consult.extensions import db
from consult.plans.models import Comment, CommentStatus, Plan
from worker.analysis.results import ClauseRef, DigestDoc, intern_all

ANALYSED = (CommentStatus.PUBLISHED, CommentStatus.INTERNAL)
ALL_SOURCES = "all"


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
        # Columns, streamed: full Comment objects (JSON decoding and object creation of every row)
        # were two thirds of loading 100k comments.
        columns = (Comment.id, Comment.tokens, Comment.body, Comment.created_at, Comment.source, Comment.clause_id, Comment.clause_override_id)
        query = analysed(digest.plan_id, digest.sources_key).where(Comment.id <= digest.last_comment_id).order_by(Comment.id)
        rows = list(db.session.execute(query.with_only_columns(*columns).execution_options(yield_per=5000)))
        missing = [(cid, body) for cid, tokens, body, *_rest in rows if tokens is None]
        segmented = dict(zip([cid for cid, _b in missing], segmenter.tokens_many([b for _c, b in missing]), strict=True))
        if segmented:
            now = datetime.now(UTC)
            db.session.execute(update(Comment), [{"id": cid, "tokens": t, "segmented_at": now} for cid, t in segmented.items()])
        docs = [
            DigestDoc(id=cid, tokens=intern_all(tokens if tokens is not None else segmented[cid]), text=body, created_at=created_at,
                      source=source, clause_id=clause_id or override)
            for cid, tokens, body, created_at, source, clause_id, override in rows
        ]
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
