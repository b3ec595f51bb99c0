"""Hearings on a plan: the schedule and rules, applications with their seats, and the minutes."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class Stance(enum.StrEnum):
    SUPPORT = "support"
    OPPOSE = "oppose"
    OTHER = "other"


class SeatStatus(enum.StrEnum):
    APPLIED = "applied"  # lottery hearings: waiting for the draw
    SELECTED = "selected"  # holds seat_number
    WAITING = "waiting"  # holds waiting_position
    CANCELLED = "cancelled"


class Hearing(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))  # the issuing department
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200), default="")
    online_room: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int] = mapped_column(default=10)
    registration_opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "anyone" or "recipients": only service recipients of the department (declared, checked by staff).
    eligibility: Mapped[str] = mapped_column(String(20), default="anyone")
    exclude_department_staff: Mapped[bool] = mapped_column(default=True)
    groups: Mapped[list] = mapped_column(JSON, default=list)  # interest groups applicants choose from
    quotas: Mapped[list] = mapped_column(JSON, default=list)  # [{"seats": n, "group": "", "stance": ""}]
    selection: Mapped[str] = mapped_column(String(10), default="lottery")  # "lottery" | "fcfs"
    publish_days_before: Mapped[int] = mapped_column(default=15)
    # The seed is committed when the hearing is scheduled: SHA-256 of a secret is public at once,
    # the secret only at the draw, combined with a public value nobody knew before registration closed.
    seed_secret: Mapped[str] = mapped_column(String(64))
    seed_commitment: Mapped[str] = mapped_column(String(64))
    public_value: Mapped[str] = mapped_column(String(200), default="")
    seed: Mapped[str] = mapped_column(String(300), default="")
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The draw as it happened (applicant list, selected, waiting): later cancellations and
    # promotions change the seats, never this record, so anyone can still re-run the draw.
    draw_record: Mapped[dict | None] = mapped_column(JSON)
    minutes: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    demo_key: Mapped[str | None] = mapped_column(String(40), unique=True)

    plan = relationship("Plan")
    department = relationship("Department")

    @property
    def list_public_at(self) -> datetime:
        return self.starts_at - timedelta(days=self.publish_days_before)

    def registration_open(self, now: datetime) -> bool:
        return self.registration_opens_at <= now < self.registration_closes_at and self.drawn_at is None


class HearingApplication(db.Model):
    __table_args__ = (
        UniqueConstraint("hearing_id", "user_id", name="uq_hearing_application_user"),  # one application per person
        UniqueConstraint("hearing_id", "seat_number", name="uq_hearing_application_seat"),  # a seat is never booked twice
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)  # the pseudonymous id in the draw
    stance: Mapped[str] = mapped_column(String(10))
    group: Mapped[str] = mapped_column(String(40), default="")
    statement: Mapped[str] = mapped_column(Text)
    recipient_note: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12), default=SeatStatus.APPLIED)
    seat_number: Mapped[int | None] = mapped_column()
    waiting_position: Mapped[int | None] = mapped_column()
    seat_reason: Mapped[str] = mapped_column(String(12), default="")  # "quota:<n>" (1-based) or "open"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    hearing: Mapped[Hearing] = relationship()
    user = relationship("User")


class HearingMinutesPart(db.Model):
    """One paragraph or speaker turn of the published minutes: an opinion-sized unit for the digest."""

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    speaker: Mapped[str] = mapped_column(String(80), default="")
    text: Mapped[str] = mapped_column(Text)
