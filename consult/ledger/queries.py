"""Reading the ledger: what a user may see, the filtered list, the tree, public reforms, and the
daily supervision sweep that notifies new flags once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import Select, or_, select

from consult.core import audit, notifications
from consult.core.models import AuditEntry, Role, User
from consult.extensions import db
from consult.ledger import flags as rules
from consult.ledger.models import ReformTask, TaskPartner
from consult.ledger.operations import department_users, office_users
from consult.plans.models import Plan


@dataclass
class Filters:
    year: int | None = None
    department_id: int | None = None
    status: str = ""
    major: bool = False
    flag: str = ""  # "" | overdue | at_risk
    extra: dict[str, str] = field(default_factory=dict)


def visible(user: User) -> Select:
    query = select(ReformTask)
    if user.role == Role.DEPARTMENT:
        partner = select(TaskPartner.task_id).where(TaskPartner.department_id == user.department_id)
        query = query.where(or_(ReformTask.lead_department_id == user.department_id, ReformTask.id.in_(partner)))
    return query


def task_for(user: User, task_id: int) -> ReformTask:
    """The task, or 404 when it does not exist or is not the department's (ids are not revealed)."""
    task = db.session.scalar(visible(user).where(ReformTask.id == task_id))
    if task is None:
        abort(404)
    return task


def listing(user: User, f: Filters, today: date) -> list[tuple[ReformTask, list[rules.Flag]]]:
    query = visible(user)
    if f.year:
        query = query.where(ReformTask.year == f.year)
    if f.department_id:
        partner = select(TaskPartner.task_id).where(TaskPartner.department_id == f.department_id)
        query = query.where(or_(ReformTask.lead_department_id == f.department_id, ReformTask.id.in_(partner)))
    if f.status:
        query = query.where(ReformTask.status == f.status)
    if f.major:
        query = query.where(ReformTask.is_major.is_(True))
    rows = [(t, rules.flags_for(t, today)) for t in db.session.scalars(query.order_by(ReformTask.year.desc(), ReformTask.code, ReformTask.id))]
    if f.flag == "overdue":
        rows = [(t, fl) for t, fl in rows if any(x.code == "overdue" for x in fl)]
    elif f.flag == "at_risk":
        rows = [(t, fl) for t, fl in rows if rules.is_at_risk(fl)]
    return rows


def flag_counts(user: User, today: date) -> dict[str, int]:
    rows = listing(user, Filters(), today)
    return {
        "overdue": sum(1 for _, fl in rows if any(x.code == "overdue" for x in fl)),
        "at_risk": sum(1 for _, fl in rows if rules.is_at_risk(fl)),
        "total": len(rows),
    }


def public_reforms() -> list[tuple[Plan, list[ReformTask]]]:
    tasks = db.session.scalars(select(ReformTask).where(ReformTask.public.is_(True), ReformTask.plan_id.is_not(None)).order_by(ReformTask.id))
    grouped: dict[int, list[ReformTask]] = {}
    for task in tasks:
        grouped.setdefault(task.plan_id, []).append(task)  # type: ignore[arg-type]
    plans = db.session.scalars(select(Plan).where(Plan.id.in_(grouped), Plan.published.is_(True)).order_by(Plan.id.desc()))
    return [(p, grouped[p.id]) for p in plans]


def public_tasks(plan_id: int) -> list[ReformTask]:
    return list(db.session.scalars(select(ReformTask).where(ReformTask.plan_id == plan_id, ReformTask.public.is_(True))
                                   .order_by(ReformTask.code, ReformTask.id)))


def history(task: ReformTask) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "reform_task", AuditEntry.target_id == task.id)
                                   .order_by(AuditEntry.id.desc()).limit(200)))


def notify_new_flags(today: date, link_for) -> int:  # type: ignore[no-untyped-def]
    """Notify the lead department and the office once per (task, flag): the audit entry
    `ledger.flag.<code>` marks a flag already told, so the daily run repeats nothing."""
    sent = 0
    office = office_users()
    open_tasks = db.session.scalars(select(ReformTask).where(ReformTask.status.not_in(list(rules.CLOSED))))
    for task in open_tasks:
        for flag in rules.flags_for(task, today):
            action = f"ledger.flag.{flag.code}"
            told = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == action, AuditEntry.target_type == "reform_task",
                                                                 AuditEntry.target_id == task.id).limit(1))
            if told:
                continue
            audit.record(None, action, "reform_task", task.id, department_id=task.lead_department_id)
            people = set(office) | set(department_users(task.lead_department_id))
            notifications.notify_many(people, "ledger", f"督察预警（{flag.label}）：{task.title[:80]}", "", link_for(task))
            sent += 1
    return sent
