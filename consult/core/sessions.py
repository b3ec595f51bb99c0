"""Server-side login sessions: a cookie names a session row, so logging out (here or everywhere) revokes it."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select

from consult.core.models import LoginSession, User
from consult.extensions import db


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    """A new server-side session for `user` (call before login_user, commit after)."""
    token = secrets.token_urlsafe(24)
    db.session.add(LoginSession(user_id=user.id, token_hash=_token_hash(token)))
    user.session_token = token
    db.session.flush()
    return token


def session_user(user_id: int, version: int, token: str) -> User | None:
    """The user of a live session; None once it was logged out (here or everywhere)."""
    if not token:
        return None
    row = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    if row is None or row.user_id != user_id:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version:
        return None
    user.session_token = token
    return user


def end_session(token: str) -> None:
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))


def log_out_everywhere(user: User) -> None:
    user.session_version += 1
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.flush()
