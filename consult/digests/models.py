"""Digests: one row per build of a scope (a plan, suggestions of a domain and period, a survey's
free text), and the statuses a build goes through."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
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
