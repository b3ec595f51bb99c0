"""Getting (back) into an account: registration that reveals no existing account and lets the
person who verifies a number claim it from an unverified squatter, expiry of unverified
registrations, password reset by code, password and display-name changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from consult.accounts.operations import find_user, register, send_code, use_code
from consult.accounts.passwords import password_problem
from consult.core.models import LoginSession, Role, User, VerificationCode
from consult.core.security import sessions
from consult.core.security.hashing import check_secret, dummy_hash, hash_secret
from consult.core.security.logins import parse_login
from consult.core.security.senders import get_sender
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.extensions import db

PSEUDONYM_MAX = 40


def check_new_password(password: str, login: str = "") -> None:
    if problem := password_problem(password or "", login):
        raise ServiceError(problem)


def _forget_credentials(user: User) -> None:
    """Whoever held this account before (sessions, codes) loses it."""
    user.session_version += 1
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.execute(delete(VerificationCode).where(VerificationCode.user_id == user.id))


def purge_unverified(now: datetime | None = None) -> int:
    """Delete citizen registrations never verified within UNVERIFIED_ACCOUNT_HOURS (they cannot
    have written anything: writing needs verification). Returns how many went."""
    cutoff = (now or datetime.now(UTC)) - timedelta(hours=current_app.config["UNVERIFIED_ACCOUNT_HOURS"])
    stale = list(db.session.scalars(select(User).where(User.verified_at.is_(None), User.role == Role.CITIZEN, User.created_at < cutoff).limit(500)))
    gone = 0
    for user in stale:
        try:
            with db.session.begin_nested():
                db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
                db.session.execute(delete(VerificationCode).where(VerificationCode.user_id == user.id))
                db.session.delete(user)
            gone += 1
        except IntegrityError:  # something refers to it after all: leave it to the claim path
            continue
    return gone


def start_registration(login: str, password: str, pseudonym: str) -> User | None:
    """Register, or claim an unverified holder of the same login; a code goes out either way.

    When a verified account already has this login, nothing changes and None comes back: its
    owner is told someone tried (so the page shown is the same and reveals nothing)."""
    kind, value = parse_login(login)
    check_new_password(password, value)
    purge_unverified()
    existing = find_user(value)
    if existing is None:
        user = register(value, password, pseudonym)
    elif existing.is_verified:
        hash_secret(password)  # the same work as a real registration
        notify = getattr(get_sender(), "notify", None)
        if notify is not None:
            notify(existing.login_name, _("有人尝试用您的账号重新注册。如果是您本人，请直接登录；忘记密码可在登录页重设。"))
        return None
    else:
        # Never verified: holding the number proved nothing, so whoever verifies it now owns it.
        user = existing
        _forget_credentials(user)
        user.password_hash = hash_secret(password)
        user.pseudonym = ((pseudonym or "").strip() or user.pseudonym)[:PSEUDONYM_MAX]
        db.session.flush()
    send_code(user)
    return user


def request_reset(login: str) -> None:
    """Send a reset code if the account exists; the same outcome to the caller if not."""
    user = find_user(login)
    if user is None:
        return
    try:
        send_code(user, purpose="reset")
    except ServiceError:
        return  # a code went out in the last minute: that one still works


def reset_password(login: str, code: str, password: str) -> User:
    """Set a new password with a reset code; every session of the account ends."""
    user = find_user(login)
    if user is None:
        check_secret(dummy_hash(), code or "")
        raise ServiceError(_("验证码不正确。"))
    check_new_password(password, user.login_name)
    use_code(user, code, "reset")
    if not user.is_verified:
        user.verified_at = datetime.now(UTC)  # the code reached them: they hold the number
    user.password_hash = hash_secret(password)
    sessions.log_out_everywhere(user)
    return user


def change_password(user: User, current: str, new: str) -> int:
    """Change the password (the current one is required); other browsers are logged out. Returns how many."""
    if not check_secret(user.password_hash, current or ""):
        raise ServiceError(_("当前密码不正确。"), 401)
    if check_secret(user.password_hash, new or ""):
        raise ServiceError(_("新密码不能与当前密码相同。"))
    check_new_password(new, user.login_name)
    user.password_hash = hash_secret(new)
    ended = sessions.end_other_sessions(user)
    db.session.flush()
    return ended


def change_pseudonym(user: User, pseudonym: str) -> None:
    user.pseudonym = clean_text(pseudonym, field=_("昵称"), max_chars=PSEUDONYM_MAX)
    db.session.flush()

