"""Users report posts; staff resolve the reports from the moderation queue."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from consult.core.errors import ServiceError
from consult.core.models import User
from consult.core.text import clean_text
from consult.extensions import db
from consult.moderation.models import Flag

FLAG_REASON_MAX = 500


def flag(user: User, target_type: str, target_id: int, reason: str = "") -> tuple[Flag, bool]:
    """Record one report per person and post; a repeat returns the first one. Returns (flag, created)."""
    if not user.is_verified:
        raise ServiceError(_("举报前请先完成验证。"), 403)
    text = clean_text(reason, field=_("举报理由"), max_chars=FLAG_REASON_MAX) if (reason or "").strip() else ""
    existing = db.session.scalar(select(Flag).where(Flag.target_type == target_type, Flag.target_id == target_id, Flag.user_id == user.id))
    if existing is not None:
        return existing, False
    entry = Flag(target_type=target_type, target_id=target_id, user_id=user.id, reason=text)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:  # the same report raced in twice
        existing = db.session.scalar(select(Flag).where(Flag.target_type == target_type, Flag.target_id == target_id, Flag.user_id == user.id))
        assert existing is not None
        return existing, False
    return entry, True


def open_count(target_type: str, target_id: int) -> int:
    return db.session.scalar(select(func.count(Flag.id)).where(Flag.target_type == target_type, Flag.target_id == target_id, Flag.resolved_at.is_(None))) or 0


def resolve(target_type: str, target_id: int, resolution: str) -> int:
    """Close every open report of the post ("kept" or "removed")."""
    return db.session.execute(
        update(Flag)
        .where(Flag.target_type == target_type, Flag.target_id == target_id, Flag.resolved_at.is_(None))
        .values(resolved_at=datetime.now(UTC), resolution=resolution[:20])
    ).rowcount or 0
