"""The standing reform suggestion box (常设改革建议征集): suggestions and their status history."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db

DOMAINS = ("经济", "政治", "文化", "社会", "生态", "党建")


class SuggestionStatus(enum.StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    REPLIED = "replied"


class Suggestion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(20), unique=True)  # JY-2026-000123
    lookup_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the secret lookup code
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    domain: Mapped[str] = mapped_column(String(10), index=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(100), default="")
    allow_public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default=SuggestionStatus.RECEIVED, index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tokens: Mapped[list | None] = mapped_column(JSON)  # segmented at intake, for digests
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    demo_key: Mapped[str | None] = mapped_column(String(40), unique=True)

    department = relationship("Department")
    events: Mapped[list[SuggestionEvent]] = relationship(order_by="SuggestionEvent.id", cascade="all, delete-orphan")


class SuggestionEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
