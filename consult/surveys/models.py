"""Surveys of service recipients: surveys, frozen versions and their questions, the invitation
ledger, saved drafts, responses with one answer row per (question, option/row), service tickets.

Anonymity is kept by the schema: for an anonymous survey a response carries no invitation id,
no visitor hash and only the day it was given (see docs/surveys.md for the threat model).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class Survey(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    service: Mapped[str] = mapped_column(String(120), default="")  # the service evaluated, e.g. 不动产登记
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"), index=True)
    anonymous: Mapped[bool] = mapped_column(default=True)
    mode: Mapped[str] = mapped_column(String(10), default="invite")  # "invite" (one-time links) or "open"
    draft_spec: Mapped[dict] = mapped_column(JSON)  # edited freely; frozen into a version on publish
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    followup_survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    demo_key: Mapped[str | None] = mapped_column(String(40), unique=True)

    department = relationship("Department")
    plan = relationship("Plan")
    versions: Mapped[list[SurveyVersion]] = relationship(order_by="SurveyVersion.number", viewonly=True)

    @property
    def current_version(self) -> SurveyVersion | None:
        """The newest published version: new answers are recorded against it."""
        return self.versions[-1] if self.versions else None

    @property
    def published(self) -> bool:
        return bool(self.versions)


class SurveyVersion(db.Model):
    """The questions as published: never edited; a change publishes the next number."""

    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    spec: Mapped[dict] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    questions: Mapped[list[SurveyQuestion]] = relationship(order_by="SurveyQuestion.position", cascade="all, delete-orphan")


class SurveyQuestion(db.Model):
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))  # single, multiple, rating, satisfaction, nps, matrix, text, textarea
    title: Mapped[str] = mapped_column(Text)
    spec: Mapped[dict] = mapped_column(JSON)


class SurveyInvitation(db.Model):
    """The ledger of one-time links. Only the SHA-256 of a token is stored."""

    __table_args__ = (Index("ix_survey_invitation_survey_used", "survey_id", "used_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    recipient: Mapped[str] = mapped_column(String(120), default="")  # name or label from the import
    contact: Mapped[str] = mapped_column(String(254), default="")  # phone or e-mail to send to
    batch: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Only the day: a precise time would line up with the (day-precise) anonymous response.
    used_on: Mapped[date | None] = mapped_column(Date)
    ticket_id: Mapped[int | None] = mapped_column()  # a follow-up link issued when a ticket closed


class SurveyDraft(db.Model):
    """Saved progress, keyed by SHA-256("draft:" + token): not joinable with the ledger without the token."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    updated_on: Mapped[date] = mapped_column(Date)


class SurveyResponse(db.Model):
    __table_args__ = (
        UniqueConstraint("survey_id", "visitor_hash"),  # open mode: one response per visitor
        Index("ix_survey_response_survey_month", "survey_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id", ondelete="CASCADE"), index=True)
    # Named surveys only; always NULL in an anonymous survey.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitation.id", ondelete="SET NULL"), unique=True)
    visitor_hash: Mapped[str | None] = mapped_column(String(64))
    submitted_on: Mapped[date] = mapped_column(Date)
    month: Mapped[str] = mapped_column(String(7))  # "2026-11": the period of the satisfaction index

    answers: Mapped[list[SurveyAnswer]] = relationship(cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    """One row per (response, question, option or matrix row): counts, means, NPS and cross-tabs
    are GROUP BY queries over these rows."""

    __table_args__ = (
        Index("ix_survey_answer_question", "question_id", "option", "value"),
        Index("ix_survey_answer_response_question", "response_id", "question_id"),
        Index("ix_survey_answer_question_id_id", "question_id", "id"),  # newest free texts of a question
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"))
    option: Mapped[str] = mapped_column(String(40), default="")  # option number, or matrix row number
    value: Mapped[float | None] = mapped_column(Float)  # rating / scale / NPS / matrix column
    text: Mapped[str | None] = mapped_column(Text)  # free text, or the reason given with a rating


class ServiceTicket(db.Model):
    """A low rating with a reason: the department must call back and close it before the deadline."""

    __table_args__ = (Index("ix_service_ticket_open", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("survey_answer.id", ondelete="CASCADE"), unique=True)
    rating: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(254), default="")  # named surveys only
    status: Mapped[str] = mapped_column(String(12), default="open")  # open, called, closed
    opened_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    callback_notes: Mapped[str] = mapped_column(Text, default="")
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    followup_invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitation.id", ondelete="SET NULL"))

    survey: Mapped[Survey] = relationship()
    department = relationship("Department")
