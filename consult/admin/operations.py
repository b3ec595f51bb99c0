"""Administration: departments, staff roles, and reading/exporting the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from consult.core import audit
from consult.core.models import AuditEntry, Department, Role, User
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.extensions import db
from worker.analysis.normalise import mask_personal

DEPARTMENT_NAME_MAX = 120
ROLE_LABELS = {
    "citizen": "公众", "department": "部门工作人员", "staff": "改革办工作人员", "admin": "管理员",
    "expert": "咨询专家", "evaluator": "第三方评估机构",
}


# --- departments ---------------------------------------------------------------------------


def _department_name(name: str) -> str:
    text = clean_text(name, field=_("部门名称"), max_chars=DEPARTMENT_NAME_MAX).strip()
    if not text:
        raise ServiceError(_("请填写部门名称。"))
    return text


def create_department(actor: User, name: str) -> Department:
    text = _department_name(name)
    if db.session.scalar(select(Department).where(Department.name == text)) is not None:
        raise ServiceError(_("部门“%(n)s”已存在。", n=text), 409)
    department = Department(name=text)
    db.session.add(department)
    db.session.flush()
    audit.record(actor, "department.create", "department", department.id, department_id=department.id, name=text)
    return department


def rename_department(actor: User, department_id: int, name: str) -> Department:
    department = db.session.get(Department, department_id)
    if department is None:
        raise ServiceError(_("没有找到该部门。"), 404)
    text = _department_name(name)
    clash = db.session.scalar(select(Department).where(Department.name == text, Department.id != department_id))
    if clash is not None:
        raise ServiceError(_("部门“%(n)s”已存在。", n=text), 409)
    old, department.name = department.name, text
    db.session.flush()
    audit.record(actor, "department.rename", "department", department.id, department_id=department.id, old=old, new=text)
    return department


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))


# --- accounts ------------------------------------------------------------------------------


def masked_login(user: User) -> str:
    """E-mail as written (staff need to recognise colleagues); phone numbers always masked."""
    return user.email or mask_personal(user.phone or "")


def search_users(query: str, page: int, per_page: int = 30) -> tuple[list[User], int, int]:
    text = (query or "").strip()[:100]
    stmt = select(User)
    if text:
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(User.email.ilike(pattern), User.phone.like(pattern), User.pseudonym.like(pattern)))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    users = list(db.session.scalars(stmt.order_by(User.id).offset((page - 1) * per_page).limit(per_page)))
    return users, page, pages


def set_role(actor: User, user_id: int, role: str, department_id: int | None) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ServiceError(_("没有找到该账号。"), 404)
    if role not in {r.value for r in Role}:
        raise ServiceError(_("未知的角色。"))
    if user.id == actor.id and role != Role.ADMIN:
        raise ServiceError(_("不能取消自己的管理员权限，请由另一位管理员操作。"), 403)
    department = None
    if department_id is not None:
        department = db.session.get(Department, department_id)
        if department is None:
            raise ServiceError(_("没有找到该部门。"), 404)
    if role == Role.DEPARTMENT and department is None:
        raise ServiceError(_("部门工作人员必须指定所属部门。"))
    old_role, old_department = user.role, user.department_id
    user.role = role
    user.department_id = department.id if department is not None else None
    if (old_role, old_department) != (user.role, user.department_id):
        if user.id != actor.id:
            # A changed role ends the account's sessions, so lost rights take effect at once.
            user.session_version += 1
        audit.record(
            actor, "user.role", "user", user.id, department_id=user.department_id,
            old_role=old_role, new_role=role, old_department_id=old_department, new_department_id=user.department_id,
        )
    db.session.flush()
    return user


# --- the audit log -------------------------------------------------------------------------


@dataclass
class AuditFilter:
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: int | None = None
    department_id: int | None = None
    since: date | None = None
    until: date | None = None


def audit_query(spec: AuditFilter) -> Select:
    stmt = select(AuditEntry)
    if spec.actor:
        stmt = stmt.where(AuditEntry.actor_label.like(f"%{spec.actor.replace('%', '').replace('_', '')}%"))
    if spec.action:
        pattern = spec.action.replace("\\", "").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(AuditEntry.action.like(f"{pattern}%", escape="\\"))
    if spec.target_type:
        stmt = stmt.where(AuditEntry.target_type == spec.target_type)
    if spec.target_id is not None:
        stmt = stmt.where(AuditEntry.target_id == spec.target_id)
    if spec.department_id is not None:
        stmt = stmt.where(AuditEntry.department_id == spec.department_id)
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if spec.since is not None:
        stmt = stmt.where(AuditEntry.created_at >= datetime.combine(spec.since, time(), zone))
    if spec.until is not None:
        stmt = stmt.where(AuditEntry.created_at < datetime.combine(spec.until + timedelta(days=1), time(), zone))
    return stmt


def audit_page(spec: AuditFilter, page: int, per_page: int = 50) -> tuple[list[AuditEntry], int, int, int]:
    stmt = audit_query(spec)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    entries = list(db.session.scalars(stmt.order_by(AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page)))
    return entries, page, pages, total


AUDIT_HEADER = ["编号", "时间", "操作人", "操作", "对象类型", "对象编号", "部门", "详情", "IP"]


def audit_rows(spec: AuditFilter, batch: int = 1000) -> Iterator[list[object]]:
    """Rows for export, oldest first, streamed in batches; detail and labels personal-data masked."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    names = {d.id: d.name for d in departments()}
    last = 0
    while True:
        entries = list(db.session.scalars(audit_query(spec).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(batch)))
        if not entries:
            return
        for e in entries:
            detail = mask_personal(json.dumps(e.detail, ensure_ascii=False)) if e.detail else ""
            yield [
                e.id, e.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), mask_personal(e.actor_label), e.action,
                e.target_type, e.target_id if e.target_id is not None else "", names.get(e.department_id or 0, ""), detail, e.ip,
            ]
        last = entries[-1].id
