"""Reform tasks and what hangs off them: co-operating departments, milestones, the opinions a task
carries out, departments' progress reports (with attachments) and supervision records."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class TaskStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class ReportReview(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"  # sent back to the department with a note


class ReformTask(db.Model):
    __table_args__ = (Index("ix_reform_task_year_major", "year", "is_major"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The office's own numbering ("2026-03-2"), unique when given; imports match on it.
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("reform_task.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"), index=True)
    year: Mapped[int] = mapped_column()
    is_major: Mapped[bool] = mapped_column(default=False)  # on the year's major-task list (督察)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    responsible_leader: Mapped[str] = mapped_column(String(80), default="")
    target: Mapped[str] = mapped_column(Text, default="")  # 改革目标 / 成果形式
    starts_on: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.PLANNED)
    progress: Mapped[int] = mapped_column(default=0)  # percent, 0-100, from the last accepted report
    # How often the lead department reports (days); a report older than this makes the task at risk.
    report_every_days: Mapped[int] = mapped_column(default=30)
    completed_on: Mapped[date | None] = mapped_column(Date)
    public: Mapped[bool] = mapped_column(default=True)  # shown on the sunshine-reform page
    # The supervision flags last notified ("overdue,no_report"): a flag is notified once, when new.
    flag_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    parent = relationship("ReformTask", remote_side=[id], back_populates="children")
    children: Mapped[list[ReformTask]] = relationship(back_populates="parent", order_by="ReformTask.id")
    lead_department = relationship("Department", foreign_keys=[lead_department_id])
    plan = relationship("Plan")
    partners: Mapped[list[TaskPartner]] = relationship(back_populates="task", cascade="all, delete-orphan")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="task", order_by="Milestone.due_on", cascade="all, delete-orphan"
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="task", order_by="ProgressReport.submitted_at.desc()", cascade="all, delete-orphan"
    )


class TaskPartner(db.Model):
    """A co-operating department (配合单位) of a task."""

    task_id: Mapped[int] = mapped_column(ForeignKey("reform_task.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)

    task: Mapped[ReformTask] = relationship(back_populates="partners")
    department = relationship("Department")


class Milestone(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("reform_task.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)

    task: Mapped[ReformTask] = relationship(back_populates="milestones")


class TaskOpinion(db.Model):
    """An opinion a task carries out ("转为改革任务"): one comment, with the digest cluster it came from."""

    __table_args__ = (UniqueConstraint("task_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("reform_task.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    cluster_ref: Mapped[str] = mapped_column(String(40), default="")  # "D3-T1-I2", as on Response
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProgressReport(db.Model):
    """A department's periodic report on a task (联络员报送), reviewed by the office."""

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("reform_task.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    period: Mapped[str] = mapped_column(String(40), default="")  # "2026年11月", as written
    body: Mapped[str] = mapped_column(Text)
    progress: Mapped[int] = mapped_column(default=0)  # percent claimed by the department
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    review: Mapped[str] = mapped_column(String(20), default=ReportReview.PENDING)
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    task: Mapped[ReformTask] = relationship(back_populates="reports")
    department = relationship("Department")
    attachments: Mapped[list[ReportAttachment]] = relationship(back_populates="report", cascade="all, delete-orphan")


class ReportAttachment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)

    report: Mapped[ProgressReport] = relationship(back_populates="attachments")


class SupervisionRecord(db.Model):
    """A supervision visit (督察) on a task: findings, a rectification deadline, its closure."""

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("reform_task.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default="visit")  # visit | review | escalation
    findings: Mapped[str] = mapped_column(Text)
    rectify_by: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closing_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
