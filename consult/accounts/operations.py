"""Registration, verification with one-time codes, and authentication."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, delete, func, select, update

from consult.accounts.passwords import password_problem
from consult.core.models import Department, LoginSession, Role, User, VerificationCode
from consult.core.security.hashing import check_secret, dummy_hash, hash_secret
from consult.core.security.logins import parse_login
from consult.core.security.senders import get_sender
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.plans.models import Comment, CommentVote

CODE_TTL = timedelta(minutes=10)
CODE_RESEND = timedelta(seconds=60)
MAX_CODE_ATTEMPTS = 5


# Checked against when the account does not exist, so a wrong login costs the same time as a
# wrong password (otherwise the response time tells which accounts exist).


def find_user(login: str) -> User | None:
    try:
        kind, value = parse_login(login)
    except ServiceError:
        return None
    column = User.phone if kind == "phone" else User.email
    return db.session.scalar(select(User).where(func.lower(column) == value.lower()))


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise ServiceError(_("密码至少需要 8 位。"))
    if len(password) > 128:
        raise ServiceError(_("密码不能超过 128 位。"))


def register(login: str, password: str, pseudonym: str, *, role: str = Role.CITIZEN) -> User:
    kind, value = parse_login(login)
    _check_password(password)
    if find_user(value) is not None:
        raise ServiceError(_("该账号已注册，请直接登录。"), 409)
    pseudonym = (pseudonym or "").strip() or _("网友%(n)s", n=secrets.randbelow(900000) + 100000)
    user = User(password_hash=hash_secret(password), pseudonym=pseudonym[:40], role=role)
    setattr(user, kind, value)
    db.session.add(user)
    db.session.flush()
    return user


def send_code(user: User, purpose: str = "verify") -> None:
    now = datetime.now(UTC)
    last = db.session.scalar(
        select(VerificationCode).where(VerificationCode.user_id == user.id).order_by(VerificationCode.id.desc())
    )
    if last is not None and now - last.created_at < CODE_RESEND:
        raise ServiceError(_("验证码发送过于频繁，请 60 秒后再试。"), 429)
    code = f"{secrets.randbelow(1_000_000):06d}"
    db.session.add(
        VerificationCode(user_id=user.id, code_hash=hash_secret(code), expires_at=now + CODE_TTL, purpose=purpose)
    )
    db.session.flush()
    get_sender().send(user.login_name, code)


def use_code(user: User, code: str, purpose: str = "verify") -> None:
    """Spend the latest code of `purpose` sent to `user`; ServiceError when wrong or stale."""
    now = datetime.now(UTC)
    pending = db.session.scalar(
        select(VerificationCode)
        .where(VerificationCode.user_id == user.id, VerificationCode.used_at.is_(None), VerificationCode.purpose == purpose)
        .order_by(VerificationCode.id.desc())
    )
    if pending is None or pending.expires_at < now:
        raise ServiceError(_("验证码已过期，请重新获取。"))
    if pending.attempts >= MAX_CODE_ATTEMPTS:
        raise ServiceError(_("验证码错误次数过多，请重新获取。"), 429)
    pending.attempts += 1
    if not check_secret(pending.code_hash, (code or "").strip()):
        db.session.flush()
        raise ServiceError(_("验证码不正确。"))
    pending.used_at = now
    db.session.flush()


def verify(user: User, code: str) -> None:
    use_code(user, code, "verify")
    user.verified_at = datetime.now(UTC)
    db.session.flush()


def authenticate(login: str, password: str) -> User:
    user = find_user(login)
    if user is None:
        check_secret(dummy_hash(), password or "")  # same cost as a real account
        raise ServiceError(_("账号或密码不正确。"), 401)
    if not check_secret(user.password_hash, password or ""):
        raise ServiceError(_("账号或密码不正确。"), 401)
    return user


def create_staff(login: str, password: str, role: str, *, name: str = "", department: str = "") -> User:

    if role not in {r.value for r in Role}:
        raise ServiceError(_("未知角色：%(role)s", role=role))
    if problem := password_problem(password, login):
        raise ServiceError(problem)
    user = find_user(login)
    if user is None:
        # The real name stays in the back end; the public sees a neutral label.
        user = register(login, password, department or _("工作人员"), role=role)
    else:
        _check_password(password)
        user.password_hash = hash_secret(password)
        user.role = role
    user.real_name = name or user.real_name
    user.verified_at = user.verified_at or datetime.now(UTC)
    if department:
        dept = db.session.scalar(select(Department).where(Department.name == department))
        if dept is None:
            dept = Department(name=department)
            db.session.add(dept)
            db.session.flush()
        user.department_id = dept.id
    db.session.flush()
    return user


DELETED_LABEL = "已注销用户"


def delete_account(user: User, password: str) -> int:
    """Delete a citizen's account. Their comments stay (they are part of the public record)
    but lose every link to the person: no user id, no pseudonym. Returns how many were kept."""
    if not check_secret(user.password_hash, password or ""):
        raise ServiceError(_("密码不正确，账号未注销。"), 401)
    if user.is_staff:
        raise ServiceError(_("工作人员账号由管理员停用，不能自行注销。"), 403)
    kept = db.session.execute(
        update(Comment)
        .where(Comment.user_id == user.id)
        .values(user_id=None, submission_id=None, show_pseudonym=False, author_label=_(DELETED_LABEL))
    ).rowcount
    voted = list(db.session.scalars(select(CommentVote.comment_id).where(CommentVote.user_id == user.id)))
    db.session.execute(delete(CommentVote).where(CommentVote.user_id == user.id))
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.execute(delete(VerificationCode).where(VerificationCode.user_id == user.id))
    db.session.delete(user)
    db.session.flush()
    for comment_id in voted:  # their votes go with them: recount what remains
        support, oppose = db.session.execute(
            select(
                func.coalesce(func.sum(case((CommentVote.value > 0, 1), else_=0)), 0),
                func.coalesce(func.sum(case((CommentVote.value < 0, 1), else_=0)), 0),
            ).where(CommentVote.comment_id == comment_id)
        ).one()
        db.session.execute(update(Comment).where(Comment.id == comment_id).values(support_count=int(support), oppose_count=int(oppose)))
    db.session.flush()
    return int(kept or 0)
