"""The expert pool, declared conflicts of interest, review invitations and evaluation scores."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # by the office


class Expert(db.Model):
    """An expert's profile; the account (User with Role.EXPERT) logs in, the profile is what staff see."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(80), default="")  # 职称 / 职务
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # codes of consult.experts.fields.FIELDS
    bio: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    conflicts: Mapped[list[ExpertConflict]] = relationship(back_populates="expert", cascade="all, delete-orphan")


class ExpertConflict(db.Model):
    """A declared conflict of interest: a department, or one plan, the expert must not review."""

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(200), default="")

    expert: Mapped[Expert] = relationship(back_populates="conflicts")
    department = relationship("Department")
    plan = relationship("Plan")


class ExpertInvitation(db.Model):
    """An invitation to review a plan (opinions per clause) or a reform task (an evaluation score)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("reform_task.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=InvitationStatus.PENDING)
    response_note: Mapped[str] = mapped_column(Text, default="")  # why declined
    # A declared conflict was overridden by the office: the reason is kept (and audited).
    conflict_override: Mapped[str] = mapped_column(Text, default="")
    conclusion: Mapped[str] = mapped_column(Text, default="")  # the expert's overall conclusion (论证结论)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    expert: Mapped[Expert] = relationship()
    plan = relationship("Plan")
    task = relationship("ReformTask")

    @property
    def is_open(self) -> bool:
        return self.status in (InvitationStatus.PENDING, InvitationStatus.ACCEPTED)


class ExpertScore(db.Model):
    """One expert's scoring sheet for a reform task (会诊评估): 0-100 per criterion and the weighted total."""

    __table_args__ = (UniqueConstraint("task_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("expert_invitation.id", ondelete="CASCADE"), unique=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("reform_task.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"))
    scores: Mapped[dict[str, int]] = mapped_column(JSON)  # criterion code → 0-100
    total: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
