"""Indicators the office defines per year, hand-entered scores, third-party evaluations and the
years whose results are published."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class IndicatorKind(enum.StrEnum):
    TASK_PROGRESS = "task_progress"
    TIMELINESS = "timeliness"
    SATISFACTION = "satisfaction"
    TICKET_HANDLING = "ticket_handling"
    ADOPTION = "adoption"
    EXPERT = "expert"
    THIRD_PARTY = "third_party"
    MANUAL = "manual"


KIND_LABELS = {
    "task_progress": "任务进度", "timeliness": "按期完成", "satisfaction": "群众满意度", "ticket_handling": "差评整改",
    "adoption": "公众意见采纳率", "expert": "专家评估", "third_party": "第三方评估", "manual": "人工评分",
}


class EvaluationStatus(enum.StrEnum):
    ASSIGNED = "assigned"  # the office named the evaluator; nothing entered yet
    SUBMITTED = "submitted"  # the evaluator (or an import) gave a score; waiting for the office
    ACCEPTED = "accepted"  # the office accepted it: it counts in the scorecards
    RETURNED = "returned"  # sent back to the evaluator with a note


class Indicator(db.Model):
    __table_args__ = (Index("ix_evaluation_indicator_year", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    weight: Mapped[float] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(10), default="higher")  # higher | lower (100 − value)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ManualScore(db.Model):
    """A score (0-100) the office enters for a manual indicator, on a task or a department."""

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("reform_task.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ThirdPartyEvaluation(db.Model):
    """第三方评估 / 第三方社会调查 of one task or one department, by an outside organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    organisation: Mapped[str] = mapped_column(String(120))
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    scope: Mapped[str] = mapped_column(String(12))  # task | department
    task_id: Mapped[int | None] = mapped_column(ForeignKey("reform_task.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(200), default="")  # 问卷调查、入户访谈、座谈 …
    sample_size: Mapped[int] = mapped_column(default=0)
    score: Mapped[float | None] = mapped_column(Float)  # 0-100
    # {"满意": 120, "基本满意": 60, "不满意": 20}: rating label → respondents, as the report gives it.
    distribution: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    report_filename: Mapped[str] = mapped_column(String(200), default="")
    report_content_type: Mapped[str] = mapped_column(String(100), default="")
    report_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(12), default=EvaluationStatus.ASSIGNED)
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(200), default="")  # "导入：file.xlsx 第 3 行" or "评估方录入"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    evaluator = relationship("User", foreign_keys=[evaluator_id])
    task = relationship("ReformTask")
    department = relationship("Department")


class PublishedYear(db.Model):
    """A year whose scorecards the office has published on the sunshine-reform pages."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
