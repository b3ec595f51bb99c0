"""The staff-edited sensitive-word list that holds matching posts for review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from consult.extensions import db
from consult.models.base import UTCDateTime, utcnow


class SensitiveWord(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(50))  # as staff wrote it
    # The folded form (simplified, half-width, no separators) is what is unique and matched.
    folded: Mapped[str] = mapped_column(String(50), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
