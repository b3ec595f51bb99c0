"""Opinion digests: versioned, one row per build of a scope (a plan, suggestions of a domain and period)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class Digest(db.Model):
    __table_args__ = (
        # Idempotency: one digest per plan and last comment covered.
        UniqueConstraint("plan_id", "last_comment_id", "sources_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A digest covers one plan's comments (scope "plan"), or suggestions of one domain and
    # period (scope "suggestions", scope_key "经济:2026-01-01:2026-06-30", no plan).
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(20), default="plan", server_default="plan")
    scope_key: Mapped[str] = mapped_column(String(80), default="", server_default="", index=True)
    number: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    stage: Mapped[str] = mapped_column(String(80), default="")
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    sources_key: Mapped[str] = mapped_column(String(80), default="all")
    last_comment_id: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Refreshed with every progress step; a running digest whose heartbeat stopped was orphaned
    # by a killed worker and may be claimed again.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    plan = relationship("Plan")
