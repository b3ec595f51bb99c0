"""The expert pool: profiles, expert accounts with a welcome e-mail (set-password link), conflicts of interest."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from consult.accounts.operations import find_user, use_code
from consult.accounts.recovery import check_new_password
from consult.core import audit, notifications
from consult.core.models import Department, Role, User, VerificationCode
from consult.core.security import sessions
from consult.core.security.hashing import hash_secret
from consult.core.security.logins import parse_login
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.experts.fields import FIELDS
from consult.experts.models import Expert, ExpertConflict
from consult.extensions import db
from consult.plans.models import Plan

WELCOME_PURPOSE = "invite"  # VerificationCode.purpose of the set-password link
WELCOME_TTL = timedelta(days=7)


@dataclass
class Profile:
    """What the office writes about an expert (the account's login is separate)."""

    name: str
    organisation: str = ""
    title: str = ""
    fields: tuple[str, ...] = ()
    bio: str = ""
    active: bool = True


def optional_text(raw: str | None, label: str, max_chars: int, key: str) -> str:
    """Cleaned text, or "" when left empty (an empty optional field is no error)."""
    return clean_text(raw, field=label, max_chars=max_chars, key=key) if (raw or "").strip() else ""


def _clean(profile: Profile) -> Profile:
    if not (profile.name or "").strip():
        raise ServiceError(_("请填写专家姓名。"), field="name")
    name = clean_text(profile.name, field=_("姓名"), max_chars=80, key="name")
    unknown = [f for f in profile.fields if f not in FIELDS]
    if unknown:
        raise ServiceError(_("未知的专业领域：%(f)s。", f="、".join(unknown)), field="fields")
    if not profile.fields:
        raise ServiceError(_("请至少选择一个专业领域。"), field="fields")
    return Profile(
        name=name,
        organisation=optional_text(profile.organisation, _("工作单位"), 120, "organisation"),
        title=optional_text(profile.title, _("职称职务"), 80, "title"),
        fields=tuple(dict.fromkeys(profile.fields)),
        bio=optional_text(profile.bio, _("简介"), 2000, "bio"),
        active=profile.active,
    )


def welcome_link(user: User) -> str:
    """A new set-password link (7 days); earlier links of the account stop working."""
    now = datetime.now(UTC)
    db.session.execute(delete(VerificationCode).where(VerificationCode.user_id == user.id, VerificationCode.purpose == WELCOME_PURPOSE))
    token = secrets.token_urlsafe(24)
    db.session.add(VerificationCode(user_id=user.id, code_hash=hash_secret(token), expires_at=now + WELCOME_TTL, purpose=WELCOME_PURPOSE))
    db.session.flush()
    return "/expert/welcome?" + urlencode({"login": user.login_name, "code": token})


def send_welcome(expert: Expert) -> None:
    """Inbox entry plus e-mail (through the outbox) with the set-password link."""
    link = welcome_link(expert.user)
    notifications.notify(
        expert.user_id, "expert_welcome", _("邀请您加入改革专家咨询库"),
        _("%(name)s：改革办邀请您加入专家咨询库，参与改革方案论证和改革成效评估。请在 7 天内打开下面的链接设置登录密码。", name=expert.name),
        link,
    )


def create_expert(actor: User, email: str, profile: Profile) -> Expert:
    """A new expert account (Role.EXPERT, no usable password yet) and its profile; the welcome e-mail goes out."""
    try:
        kind, value = parse_login(email)
    except ServiceError as error:
        raise ServiceError(error.message, field="email") from None
    if kind != "email":
        raise ServiceError(_("专家账号需要电子邮箱，以便发送设置密码的链接。"), field="email")
    if find_user(value) is not None:
        raise ServiceError(_("该邮箱已有账号，不能再建专家账号。"), 409, field="email")
    profile = _clean(profile)
    user = User(email=value, password_hash=hash_secret(secrets.token_urlsafe(32)), pseudonym=profile.name[:40],
                real_name=profile.name, role=Role.EXPERT)
    db.session.add(user)
    db.session.flush()
    expert = Expert(user_id=user.id, created_by_id=actor.id)
    _apply(expert, profile)
    db.session.add(expert)
    db.session.flush()
    send_welcome(expert)
    audit.record(actor, "expert.create", "expert", expert.id, fields=list(profile.fields))
    return expert


def _apply(expert: Expert, profile: Profile) -> None:
    expert.name, expert.organisation, expert.title = profile.name, profile.organisation, profile.title
    expert.fields, expert.bio, expert.active = list(profile.fields), profile.bio, profile.active


def update_expert(actor: User, expert: Expert, profile: Profile) -> Expert:
    _apply(expert, _clean(profile))
    db.session.flush()
    audit.record(actor, "expert.update", "expert", expert.id, active=expert.active)
    return expert


def set_password(login: str, code: str, password: str) -> User:
    """The welcome link: the code proves the e-mail reached the expert, who now chooses a password."""
    user = find_user(login)
    if user is None or user.role != Role.EXPERT:
        raise ServiceError(_("链接无效或已过期，请联系改革办重新发送。"))
    check_new_password(password, user.login_name)
    try:
        use_code(user, code, WELCOME_PURPOSE)
    except ServiceError:
        raise ServiceError(_("链接无效或已过期，请联系改革办重新发送。")) from None
    user.verified_at = user.verified_at or datetime.now(UTC)
    user.password_hash = hash_secret(password)
    sessions.log_out_everywhere(user)
    return user


# --- conflicts of interest ------------------------------------------------------------------------


def add_conflict(actor: User, expert: Expert, *, department_id: int | None, plan_id: int | None, note: str) -> ExpertConflict:
    if (department_id is None) == (plan_id is None):
        raise ServiceError(_("请选择一个回避的部门或一个回避的方案。"), field="department")
    if department_id is not None and db.session.get(Department, department_id) is None:
        raise ServiceError(_("没有找到该部门。"), 404, field="department")
    if plan_id is not None and db.session.get(Plan, plan_id) is None:
        raise ServiceError(_("没有找到该方案。"), 404, field="plan")
    note = optional_text(note, _("说明"), 200, "note")
    conflict = ExpertConflict(expert_id=expert.id, department_id=department_id, plan_id=plan_id, note=note)
    db.session.add(conflict)
    db.session.flush()
    audit.record(actor, "expert.conflict_add", "expert", expert.id, department_id=department_id, plan_id=plan_id)
    return conflict


def remove_conflict(actor: User, expert: Expert, conflict_id: int) -> None:
    conflict = db.session.get(ExpertConflict, conflict_id)
    if conflict is None or conflict.expert_id != expert.id:
        raise ServiceError(_("没有找到该回避事项。"), 404)
    db.session.delete(conflict)
    db.session.flush()
    audit.record(actor, "expert.conflict_remove", "expert", expert.id, conflict_id=conflict_id)


def conflicts_with(expert: Expert, *, plan: Plan | None = None, department_id: int | None = None) -> list[ExpertConflict]:
    """The declared conflicts that bar this expert from reviewing the plan (or the department's work)."""
    department = plan.department_id if plan is not None else department_id
    return [
        c for c in expert.conflicts
        if (plan is not None and c.plan_id == plan.id) or (department is not None and c.department_id == department)
    ]


# --- reading the pool ----------------------------------------------------------------------------


def experts(*, field: str = "", active_only: bool = False) -> list[Expert]:
    query = select(Expert).order_by(Expert.active.desc(), Expert.name)
    if active_only:
        query = query.where(Expert.active.is_(True))
    rows = list(db.session.scalars(query))
    return [e for e in rows if not field or field in (e.fields or [])]


def expert_for_user(user: User) -> Expert | None:
    return db.session.scalar(select(Expert).where(Expert.user_id == user.id))


def field_counts() -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(FIELDS, 0)
    for fields in db.session.scalars(select(Expert.fields).where(Expert.active.is_(True))):
        for code in fields or []:
            counts[code] = counts.get(code, 0) + 1
    return counts


def pool_size() -> int:
    return db.session.scalar(select(func.count(Expert.id))) or 0
