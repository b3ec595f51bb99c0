"""The office's one time zone (setting ``CONSULT_TIMEZONE``, Asia/Shanghai by default).

Times are stored in UTC; everything a person reads (pages, notifications, e-mails, exports, audit
notes) prints them in this zone, so a notification never says "21:03 UTC" while the page says 05:03."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

DEFAULT_ZONE = "Asia/Shanghai"
MINUTE = "%Y-%m-%d %H:%M"


def zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def local(value: datetime | None, fmt: str = MINUTE) -> str:
    """A stored (UTC) instant as the office's wall-clock time; "" for None."""
    if value is None:
        return ""
    return value.astimezone(zone()).strftime(fmt)


def now_local() -> datetime:
    return datetime.now(zone())


def today() -> date:
    return now_local().date()


def local_date(column: ColumnElement, dialect: str) -> ColumnElement:  # type: ignore[type-arg]
    """SQL for the office's calendar day of a UTC timestamp column (GROUP BY day without loading rows)."""
    if dialect == "postgresql":
        return func.date(func.timezone(zone().key, column))
    offset = int((now_local().utcoffset() or 0).total_seconds()) if now_local().utcoffset() else 0
    return func.date(column, f"{offset:+d} seconds")
