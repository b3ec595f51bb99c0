"""Official answers to opinions (采纳情况反馈): one Response per comment, reusable answer templates,
and the feedback report published on a plan after its window closes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class ResponseStatus(enum.StrEnum):
    ADOPTED = "adopted"  # 采纳
    PARTLY = "partly"  # 部分采纳
    NOT_ADOPTED = "not_adopted"  # 未采纳（须说明理由）
    COVERED = "covered"  # 现行规定已有


class Response(db.Model):
    """The answer to one comment. A cluster answer is stored on every member comment, so a later
    digest that clusters differently never orphans it; comments arriving later stay unanswered."""

    __table_args__ = (Index("ix_response_plan_status", "plan_id", "status"),)  # the workbench's counts per status

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    # "D3-T1-I2" when given to a whole digest cluster; kept for provenance only.
    cluster_ref: Mapped[str] = mapped_column(String(40), default="")
    responder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    comment = relationship("Comment")


class AnswerTemplate(db.Model):
    """A reusable answer; department staff see their own department's and the office-wide ones."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FeedbackReport(db.Model):
    """The published adoption feedback of a plan: at most one per plan (the unique key stops a double publish)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    from_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id", ondelete="SET NULL"))
    to_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id", ondelete="SET NULL"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    notified: Mapped[int] = mapped_column(default=0)


class PublicationStatus(enum.StrEnum):
    PENDING = "pending"  # owed: recorded by the migration, or a build not yet started
    BUILDING = "building"  # the worker is building it (large plans)
    READY = "ready"  # stored and served
    FAILED = "failed"  # the build raised; staff publish again


class FeedbackPublication(db.Model):
    """One published version of the adoption feedback: what the public page and the PDF show, stored
    once when it is published and never changed (answers given later wait for the next version)."""

    __tablename__ = "feedback_publication"
    __table_args__ = (UniqueConstraint("plan_id", "version", name="uq_feedback_publication_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default=PublicationStatus.PENDING)
    summary: Mapped[str] = mapped_column(Text, default="")
    from_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id", ondelete="SET NULL"))
    to_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id", ondelete="SET NULL"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The moment the answers were read: an answer updated after it is a change for the next version.
    snapshot_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str] = mapped_column(Text, default="")
    # totals, total, public_count, last_comment_id, clauses, clusters, diff, changes (see publications.py)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # rendered on first download, then kept


class FeedbackOpinion(db.Model):
    """One public opinion of a publication, in report order, with the answer it had then. The page
    reads the 200 rows of its `position` range; the opinion's text comes from its comment row."""

    __tablename__ = "feedback_publication_opinion"
    __table_args__ = (
        UniqueConstraint("publication_id", "position", name="uq_feedback_opinion_position"),
        Index("ix_feedback_opinion_comment", "publication_id", "comment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("feedback_publication.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    row: Mapped[int] = mapped_column()  # index into content["clauses"]
    status: Mapped[str] = mapped_column(String(20), default="")  # "" = not answered at publication
    text: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
