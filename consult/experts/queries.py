"""What the office's expert pages list: choices for the forms, the pool with its invitations, tasks to evaluate."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core.models import Department
from consult.core.web.errors import ServiceError
from consult.experts.models import Expert, ExpertInvitation
from consult.experts.pool import experts
from consult.extensions import db
from consult.ledger.models import ReformTask
from consult.plans.models import Plan


def department_choices() -> list[tuple[str, str]]:
    return [("", _("（不选）"))] + [(str(d.id), d.name) for d in db.session.scalars(select(Department).order_by(Department.name))]


def plan_choices() -> list[tuple[str, str]]:
    return [("", _("（不选）"))] + [(str(p.id), p.title) for p in db.session.scalars(select(Plan).order_by(Plan.created_at.desc()).limit(500))]


def expert_choices() -> list[tuple[str, str]]:
    return [("", _("请选择专家"))] + [(str(e.id), f"{e.name}（{e.organisation}）" if e.organisation else e.name) for e in experts(active_only=True)]


def task_choices() -> list[tuple[str, str]]:
    tasks = db.session.scalars(select(ReformTask).order_by(ReformTask.year.desc(), ReformTask.id).limit(1000))
    return [("", _("请选择改革任务"))] + [(str(t.id), f"{t.code + ' ' if t.code else ''}{t.title}") for t in tasks]


def scored_tasks() -> list[ReformTask]:
    """Tasks with at least one evaluation invitation, newest first."""
    ids = select(ExpertInvitation.task_id).where(ExpertInvitation.task_id.is_not(None))
    return list(db.session.scalars(select(ReformTask).where(ReformTask.id.in_(ids)).order_by(ReformTask.id.desc())))


def optional_id(value: str | None, field: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise ServiceError(_("选项无效，请重新选择。"), field=field)
    return int(value)


def chosen_expert(value: str | None) -> Expert:
    expert_id = optional_id(value, "expert_id")
    expert = db.session.get(Expert, expert_id) if expert_id is not None else None
    if expert is None:
        raise ServiceError(_("请选择要邀请的专家。"), field="expert_id")
    return expert


def chosen_task(value: str | None) -> ReformTask:
    task_id = optional_id(value, "task_id")
    task = db.session.get(ReformTask, task_id) if task_id is not None else None
    if task is None:
        raise ServiceError(_("请选择要评估的改革任务。"), field="task_id")
    return task


def parse_date(value: str | None, field: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ServiceError(_("日期格式应为 YYYY-MM-DD，例如 2026-12-31。"), field=field) from None
