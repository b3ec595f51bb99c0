"""Users report posts; staff resolve the reports from the moderation queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from consult.core.models import User
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.extensions import db, limiter
from consult.moderation.models import Flag

FLAG_REASON_MAX = 500


def _daily_ip_count() -> int:
    """Reports from this address today, counting this one (shared limiter storage)."""
    if not has_request_context():
        return 0
    key = f"consult-reports:{request.remote_addr or '-'}:{datetime.now(UTC):%Y%m%d}"
    try:
        return int(limiter.storage.incr(key, 86400))
    except Exception:  # noqa: BLE001 - a storage outage must not block reporting; the per-account limit holds
        return 0


def check_report_limits(user: User) -> None:
    """A day's reports per account and per address are limited (settings REPORT_*_DAILY_LIMIT):
    a handful of accounts must not be able to sweep a forum."""
    config = current_app.config
    since = datetime.now(UTC) - timedelta(days=1)
    today = db.session.scalar(select(func.count(Flag.id)).where(Flag.user_id == user.id, Flag.created_at >= since)) or 0
    if today >= config["REPORT_ACCOUNT_DAILY_LIMIT"] or _daily_ip_count() > config["REPORT_IP_DAILY_LIMIT"]:
        raise ServiceError(_("今天的举报次数已达上限，请明天再试；紧急情况请联系工作人员。"), 429)


def weight(user: User | None, now: datetime | None = None) -> float:
    """How much one report counts: a verified account older than REPORT_TRUSTED_ACCOUNT_DAYS
    counts 1, a newer one ½ (new accounts are cheap to make)."""
    if user is None or not user.is_verified:
        return 0.0
    age = (now or datetime.now(UTC)) - user.created_at
    return 1.0 if age >= timedelta(days=current_app.config["REPORT_TRUSTED_ACCOUNT_DAYS"]) else 0.5


def open_weight(target_type: str, target_id: int) -> float:
    """The weighed sum of the open reports of a post."""
    reporters = db.session.scalars(
        select(User).join(Flag, Flag.user_id == User.id).where(Flag.target_type == target_type, Flag.target_id == target_id, Flag.resolved_at.is_(None))
    )
    now = datetime.now(UTC)
    return sum(weight(user, now) for user in reporters)


def flag(user: User, target_type: str, target_id: int, reason: str = "") -> tuple[Flag, bool]:
    """Record one report per person and post; a repeat returns the first one. Returns (flag, created)."""
    if not user.is_verified:
        raise ServiceError(_("举报前请先完成验证。"), 403)
    text = clean_text(reason, field=_("举报理由"), max_chars=FLAG_REASON_MAX) if (reason or "").strip() else ""
    existing = db.session.scalar(select(Flag).where(Flag.target_type == target_type, Flag.target_id == target_id, Flag.user_id == user.id))
    if existing is not None:
        return existing, False
    check_report_limits(user)
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
