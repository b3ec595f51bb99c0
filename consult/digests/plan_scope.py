"""The plan scope: a digest of one plan's published and internal comments, optionally of some
sources only (web, letter, forum ...), mapped to the plan's clauses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for
from sqlalchemy import select

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
        query = analysed(digest.plan_id, digest.sources_key).where(Comment.id <= digest.last_comment_id).order_by(Comment.id)
        comments = list(db.session.scalars(query))
        missing = [c for c in comments if c.tokens is None]
        for comment, tokens in zip(missing, segmenter.tokens_many([c.body for c in missing]), strict=True):
            comment.tokens, comment.segmented_at = tokens, datetime.now(UTC)
        docs = [
            DigestDoc(id=c.id, tokens=intern_all(c.tokens or []), text=c.body, created_at=c.created_at, source=c.source,
                      clause_id=c.clause_id or c.clause_override_id)
            for c in comments
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
