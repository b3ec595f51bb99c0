"""Personal API tokens: created by staff (the secret shown once), revoked, checked on every API call."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from consult.api.models import ApiToken
from consult.core import audit
from consult.core.models import User
from consult.core.web.errors import ServiceError
from consult.extensions import db

SCOPES = {
    "imports:write": _l("导入来信、邮件、热线记录"),
    "digests:read": _l("读取意见摘要"),
    "answers:read": _l("读取答复"),
    "answers:write": _l("写入答复"),
}
PREFIX = "cst"
MAX_TOKENS = 20
MAX_DAYS = 366
# last_used_at is written at most this often: a busy integration must not write on every call.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(user: User, *, name: str, scopes: list[str], days: int, now: datetime | None = None) -> tuple[ApiToken, str]:
    """The new token and its full value (`cst_<prefix>_<secret>`), which is never stored nor shown again."""
    if not user.is_staff:
        raise ServiceError(_("只有工作人员可以创建 API 令牌。"), 403)
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ServiceError(_("请填写令牌名称（最多 80 字）。"), field="name")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ServiceError(_("请至少选择一项权限。"), field="scopes")
    if not 1 <= days <= MAX_DAYS:
        raise ServiceError(_("有效期应为 1 到 %(n)s 天。", n=MAX_DAYS), field="days")
    active = db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))) or 0
    if active >= MAX_TOKENS:
        raise ServiceError(_("每个账号最多 %(n)s 个有效令牌，请先撤销不用的。", n=MAX_TOKENS), 409)
    now = now or datetime.now(UTC)
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=prefix, secret_hash=_hash(secret), scopes=sorted(set(scopes)),
                     created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record(user, "api_token.create", "api_token", token.id, name=name, scopes=token.scopes, expires_at=token.expires_at.isoformat())
    return token, f"{PREFIX}_{prefix}_{secret}"


def revoke(user: User, token_id: int, now: datetime | None = None) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404, description=_("没有找到该令牌。"))
    if token.revoked_at is None:
        token.revoked_at = now or datetime.now(UTC)
        audit.record(user, "api_token.revoke", "api_token", token.id, name=token.name)
    return token


def mine(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def authenticate(header: str, now: datetime | None = None) -> ApiToken | None:
    """The active token named by an `Authorization: Bearer …` value whose account is still staff, else None."""
    scheme, _sep, value = (header or "").partition(" ")
    parts = value.strip().split("_", 2)
    if scheme.lower() != "bearer" or len(parts) != 3 or parts[0] != PREFIX or not parts[1].isalnum() or len(parts[1]) > 16:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == parts[1]))
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(parts[2])):
        return None
    now = now or datetime.now(UTC)
    if not token.active(now) or token.user is None or not token.user.is_staff:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        token.last_used_at = now
    return token
