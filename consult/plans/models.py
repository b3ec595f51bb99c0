"""Draft reform plans, their versions and the clauses each version is split into."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db
from consult.plans.sources import WEB


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Moderation(enum.StrEnum):
    PRE = "pre"  # 先审后发: nothing public until approved
    POST = "post"


class Plan(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    moderation: Mapped[str] = mapped_column(String(10), default=Moderation.POST)
    window_days: Mapped[int] = mapped_column(default=30)
    short_window_reason: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    published: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    search_terms: Mapped[str] = mapped_column(Text, default="")
    demo_key: Mapped[str | None] = mapped_column(String(40), unique=True)

    department = relationship("Department")
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", order_by="PlanVersion.number", cascade="all, delete-orphan"
    )

    @property
    def status(self) -> PlanStatus:
        if not self.published or self.opens_at is None:
            return PlanStatus.DRAFT
        if self.closes_at is not None and datetime.now(UTC) >= self.closes_at:
            return PlanStatus.CLOSED
        return PlanStatus.OPEN

    @property
    def is_open(self) -> bool:
        return self.status == PlanStatus.OPEN

    @property
    def current_version(self) -> PlanVersion | None:
        return self.versions[-1] if self.versions else None

    def days_left(self, now: datetime | None = None) -> int:
        if self.closes_at is None:
            return 0
        seconds = (self.closes_at - (now or datetime.now(UTC))).total_seconds()
        return max(0, -int(-seconds // 86400))


class PlanVersion(db.Model):
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    body: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="versions")
    clauses: Mapped[list[Clause]] = relationship(
        back_populates="version", order_by="Clause.position", cascade="all, delete-orphan"
    )


class Clause(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("plan_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    key: Mapped[str] = mapped_column(String(40))  # "2.1.3": stable anchor within a version
    number: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[int] = mapped_column(default=0)

    version: Mapped[PlanVersion] = relationship(back_populates="clauses")

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.number, self.title) if part) or self.text[:20]








class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    INTERNAL = "internal"  # imported letters, e-mails, hotline records: analysed, never public
    WITHDRAWN = "withdrawn"  # taken back by its author: out of the analysis, a "已撤回" note publicly


class Comment(db.Model):
    __table_args__ = (
        # A double-submitted form carries the same submission id: stored once.
        UniqueConstraint("user_id", "submission_id"),
        # Answerable/participation counts (untallied channels excluded) from the index alone.
        Index("ix_comment_plan_status_source", "plan_id", "status", "source", "id"),
        Index("ix_comment_origin", "origin_type", "origin_id"),
        # Plan and clause pages: counts per clause, the top-level total and the newest page of one clause, from the index.
        Index("ix_comment_version_status_clause_parent", "version_id", "status", "clause_id", "parent_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id", ondelete="CASCADE"))
    clause_id: Mapped[int | None] = mapped_column(
        ForeignKey("clause.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submission_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20), default=WEB.source)  # the channels: consult.core.channels
    # Stored exactly as written (traditional stays traditional), minus invisible characters.
    body: Mapped[str] = mapped_column(Text)
    show_pseudonym: Mapped[bool] = mapped_column(default=True)
    author_label: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(20), default=CommentStatus.PUBLISHED)
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    # Why a comment waits for review whatever the plan's mode: "word" (sensitive words, listed in
    # held_reason) or "flags" (reported by several users); "" otherwise.
    held_kind: Mapped[str] = mapped_column(String(20), default="")
    held_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    support_count: Mapped[int] = mapped_column(default=0)
    oppose_count: Mapped[int] = mapped_column(default=0)
    search_terms: Mapped[str] = mapped_column(Text, default="")
    # Segmented once, by the worker, right after the comment is stored; digests reuse them.
    tokens: Mapped[list[str] | None] = mapped_column(JSON)
    segmented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dictionary_version: Mapped[int] = mapped_column(default=0)

    # Staff correction of the clause a whole-plan comment or letter is about (digest clause mapping).
    clause_override_id: Mapped[int | None] = mapped_column(ForeignKey("clause.id", ondelete="SET NULL"))

    # Where a mirrored opinion lives (e.g. "forum_post", 17); None for comments made here.
    origin_type: Mapped[str | None] = mapped_column(String(30))
    origin_id: Mapped[int | None] = mapped_column()

    # A reply to another comment (one level, as Decidim and CONSUL thread them); None for a comment.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")
    clause = relationship("Clause", foreign_keys=[clause_id])
    version = relationship("PlanVersion")

    @property
    def is_public(self) -> bool:
        return self.status == CommentStatus.PUBLISHED


class CommentRevision(db.Model):
    """The text a comment had before its author edited it: staff see the history, the public the latest."""

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)  # when it was replaced


class CommentVote(db.Model):
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column()  # +1 support, -1 oppose
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ImportBatch(db.Model):
    """Letters, e-mails or hotline records imported by staff (kept for provenance)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    meta: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")


class DecisionKind(enum.StrEnum):
    """The steps of the procedure for a major decision (重大行政决策程序), in their usual order."""

    PUBLIC_PARTICIPATION = "public_participation"  # 公众参与
    EXPERT_REVIEW = "expert_review"  # 专家论证
    RISK_ASSESSMENT = "risk_assessment"  # 风险评估
    LEGALITY_REVIEW = "legality_review"  # 合法性审查
    COLLECTIVE_DECISION = "collective_decision"  # 集体讨论决定


class DecisionStep(db.Model):
    """One step a plan went through, with its date, outcome and documents (one row per kind)."""

    __table_args__ = (UniqueConstraint("plan_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    # Who wrote the outcome: "staff", or "experts" while it is filled from the expert review.
    filled_by: Mapped[str] = mapped_column(String(20), default="staff")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    documents: Mapped[list[DecisionDocument]] = relationship(
        back_populates="step", order_by="DecisionDocument.id", cascade="all, delete-orphan"
    )


class DecisionDocument(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("decision_step.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    step: Mapped[DecisionStep] = relationship(back_populates="documents")
