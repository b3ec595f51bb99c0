"""Server-side login sessions: a cookie names a session row, so logging out (here or everywhere)
revokes it, and every row has an idle and an absolute lifetime (shorter for staff and admins;
settings SESSION_IDLE_MINUTES_* and SESSION_ABSOLUTE_HOURS_*, docs/security.md)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from consult.core.models import LoginSession, User
from consult.extensions import db

# Recording "last seen" on every request would write on every page view; a minute of
# precision is plenty for timeouts counted in minutes and days.
TOUCH_EVERY = timedelta(seconds=60)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetimes(user: User) -> tuple[timedelta, timedelta]:
    """(idle, absolute) lifetime of a session of `user`."""
    config = current_app.config
    kind = "STAFF" if user.is_staff else "CITIZEN"
    return timedelta(minutes=config[f"SESSION_IDLE_MINUTES_{kind}"]), timedelta(hours=config[f"SESSION_ABSOLUTE_HOURS_{kind}"])


def expired(row: LoginSession, user: User, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    idle, absolute = lifetimes(user)
    return now - row.created_at > absolute or now - (row.last_seen_at or row.created_at) > idle


def start_session(user: User) -> str:
    """A new server-side session for `user` (call before login_user, commit after)."""
    _forget_expired(user)
    token = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    db.session.add(LoginSession(user_id=user.id, token_hash=_token_hash(token), created_at=now, last_seen_at=now))
    user.session_token = token
    db.session.flush()
    return token


def _forget_expired(user: User) -> None:
    idle, absolute = lifetimes(user)
    now = datetime.now(UTC)
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id,
            or_(LoginSession.created_at < now - absolute, LoginSession.last_seen_at < now - idle),
        )
    )


def session_user(user_id: int, version: int, token: str) -> User | None:
    """The user of a live session; None once it was logged out (here or everywhere) or timed out."""
    if not token:
        return None
    row = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    if row is None or row.user_id != user_id:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version:
        return None
    now = datetime.now(UTC)
    if expired(row, user, now):
        return None  # the row goes at the next login (start_session) of this person
    if now - (row.last_seen_at or row.created_at) > TOUCH_EVERY:
        # Its own short transaction: the request's session may roll back or never commit.
        with db.engine.begin() as connection:
            connection.execute(update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now))
    user.session_token = token
    return user


def end_session(token: str) -> None:
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))


def end_other_sessions(user: User) -> int:
    """Log out every other browser of `user` (after a password change); this one stays."""
    keep = _token_hash(user.session_token) if user.session_token else ""
    return db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.token_hash != keep)).rowcount or 0


def log_out_everywhere(user: User) -> None:
    user.session_version += 1
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.flush()
