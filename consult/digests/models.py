"""Digests: one row per build of a scope (a plan, suggestions of a domain and period, a survey's
free text), and the statuses a build goes through."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class DigestStatus(StrEnum):
    """A build's life: queued → running → done, or failed (and then queued again on request)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    DigestStatus.QUEUED: _l("排队中"),
    DigestStatus.RUNNING: _l("生成中"),
    DigestStatus.DONE: _l("完成"),
    DigestStatus.FAILED: _l("失败"),
}
# A worker may take these; a running one only once its heartbeat is stale.
CLAIMABLE = (DigestStatus.QUEUED, DigestStatus.FAILED)
PENDING = (DigestStatus.QUEUED, DigestStatus.RUNNING)


class Digest(db.Model):
    __table_args__ = (
        # Idempotency: one digest per plan and last comment covered.
        UniqueConstraint("plan_id", "last_comment_id", "sources_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Which documents: `scope` names a registered `consult.digests.scopes.Scope` ("plan": plan_id
    # and sources_key; "suggestions": scope_key "经济:2026-01-01:2026-06-30"; "survey": scope_key
    # the survey id). last_comment_id is the newest document covered, whatever the scope reads.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(20), default="plan", server_default="plan")
    scope_key: Mapped[str] = mapped_column(String(80), default="", server_default="", index=True)
    number: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default=DigestStatus.QUEUED)
    progress: Mapped[float] = mapped_column(default=0.0)
    stage: Mapped[str] = mapped_column(String(80), default="")
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    sources_key: Mapped[str] = mapped_column(String(80), default="all")
    last_comment_id: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    # Deferred: megabytes at 100k opinions, and lists of digests (history, status) never read it.
    result: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Refreshed with every progress step; a running digest whose heartbeat stopped was orphaned
    # by a killed worker and may be claimed again.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    plan = relationship("Plan")

    @property
    def is_done(self) -> bool:
        return self.status == DigestStatus.DONE

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    @property
    def is_failed(self) -> bool:
        return self.status == DigestStatus.FAILED

    @property
    def status_label(self) -> str:
        return DigestStatus(self.status).label


class DigestTheme(db.Model):
    """A theme of a finished digest as the page shows it (label phrased, counts), one row each:
    the page reads these instead of parsing the whole result."""

    __tablename__ = "digest_theme"
    __table_args__ = (UniqueConstraint("digest_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digest.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()  # 0-based, the T of D1-T1-I1 minus one
    label: Mapped[str] = mapped_column(Text, default="")  # phrased for readers
    raw_label: Mapped[str] = mapped_column(Text, default="")  # the pipeline's keyword label
    size: Mapped[int] = mapped_column(default=0)
    share: Mapped[float] = mapped_column(Float, default=0.0)
    stance_counts: Mapped[dict] = mapped_column(JSON, default=dict)
    keywords: Mapped[list] = mapped_column(JSON, default=list)


class DigestIssue(db.Model):
    """An issue of a finished digest: what the digest page shows of it, and its cluster reference
    (D1-T1-I1) that staff answers name. Its comments are ``DigestIssueComment`` rows."""

    __tablename__ = "digest_issue"
    __table_args__ = (UniqueConstraint("digest_id", "theme_position", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digest.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("digest_theme.id", ondelete="CASCADE"), index=True)
    theme_position: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column()
    ref: Mapped[str] = mapped_column(String(40), default="")
    label: Mapped[str] = mapped_column(Text, default="")  # phrased for readers
    raw_label: Mapped[str] = mapped_column(Text, default="")  # the pipeline's keyword label
    summary: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(default=0)
    share: Mapped[float] = mapped_column(Float, default=0.0)
    stance_counts: Mapped[dict] = mapped_column(JSON, default=dict)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    clauses: Mapped[list] = mapped_column(JSON, default=list)  # [[clause id, opinions]] confident, largest first
    campaigns: Mapped[list] = mapped_column(JSON, default=list)  # campaign numbers, 1-based
    quotes: Mapped[list] = mapped_column(JSON, default=list)  # [{"comment_id", "text", "page"}]
    lineage: Mapped[dict | None] = mapped_column(JSON)  # against the previous version (worker.analysis.lineage)


class DigestIssueComment(db.Model):
    """Membership: comment ``comment_id`` is the ``rank``-th (0-based, most central first) of the
    issue. One row per analysed comment of a digest; the issue page pages through it by rank."""

    __tablename__ = "digest_issue_comment"

    issue_id: Mapped[int] = mapped_column(ForeignKey("digest_issue.id", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digest.id", ondelete="CASCADE"))
    # No foreign key: a withdrawn or deleted comment leaves the finished digest as it was built.
    comment_id: Mapped[int] = mapped_column()
    clause_id: Mapped[int | None] = mapped_column()  # the automatic clause link and its confidence
    confidence: Mapped[float | None] = mapped_column(Float)


class DigestView(db.Model):
    """What a finished digest's page shows besides themes and issues: the overview counts and the
    campaigns (without their members), one small row."""

    __tablename__ = "digest_view"

    digest_id: Mapped[int] = mapped_column(ForeignKey("digest.id", ondelete="CASCADE"), primary_key=True)
    threshold: Mapped[float] = mapped_column(Float, default=0.5)
    total: Mapped[int] = mapped_column(default=0)
    whole_plan: Mapped[int] = mapped_column(default=0)
    per_clause: Mapped[dict] = mapped_column(JSON, default=dict)  # clause id (str) → confident opinions
    campaigns: Mapped[list] = mapped_column(JSON, default=list)


# Issue page (by rank within an issue: the primary key) and answered counts / cluster lookups
# (by digest and comment).
db.Index("ix_digest_issue_comment_digest_comment", DigestIssueComment.digest_id, DigestIssueComment.comment_id)
