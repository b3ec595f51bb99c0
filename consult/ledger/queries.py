"""Who sees which reform task, the office's filtered lists, the public reforms, and flags per task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, or_, select

from consult.core.models import Role, User
from consult.extensions import db
from consult.ledger import flags as rules
from consult.ledger.models import ProgressReport, ReformTask, ReportReview, TaskOpinion, TaskPartner
from consult.plans.models import Plan

OFFICE_ROLES = (Role.STAFF, Role.ADMIN)


def is_office(user: User) -> bool:
    return user.is_authenticated and user.role in OFFICE_ROLES


def department_ids(task: ReformTask) -> set[int]:
    ids = {p.department_id for p in task.partners}
    if task.lead_department_id:
        ids.add(task.lead_department_id)
    return ids


def can_see(user: User, task: ReformTask) -> bool:
    if is_office(user):
        return True
    return user.is_authenticated and user.role == Role.DEPARTMENT and user.department_id in department_ids(task)


def can_report(user: User, task: ReformTask) -> bool:
    """The office, or a department that leads or co-operates on the task."""
    return can_see(user, task)


def _scoped(user: User) -> Select[tuple[ReformTask]]:
    query = select(ReformTask)
    if not is_office(user):
        partner = select(TaskPartner.task_id).where(TaskPartner.department_id == user.department_id)
        query = query.where(or_(ReformTask.lead_department_id == user.department_id, ReformTask.id.in_(partner)))
    return query


@dataclass(frozen=True)
class Row:
    task: ReformTask
    flags: list[str]
    level: str


def last_accepted(task_ids: list[int]) -> dict[int, datetime]:
    if not task_ids:
        return {}
    rows = db.session.execute(
        select(ProgressReport.task_id, func.max(ProgressReport.reviewed_at))
        .where(ProgressReport.task_id.in_(task_ids), ProgressReport.review == ReportReview.ACCEPTED)
        .group_by(ProgressReport.task_id)
    )
    return {task_id: at for task_id, at in rows if at is not None}


def with_flags(tasks: list[ReformTask], today: date) -> list[Row]:
    accepted = last_accepted([t.id for t in tasks])
    rows = []
    for task in tasks:
        found = rules.flags(rules.facts_of(task, accepted.get(task.id), today), today)
        rows.append(Row(task, found, rules.level(found)))
    return rows


def task_list(user: User, today: date, *, year: int | None = None, department_id: int | None = None,
              status: str = "", major: bool = False, flag: str = "") -> list[Row]:
    query = _scoped(user)
    if year:
        query = query.where(ReformTask.year == year)
    if department_id:
        partner = select(TaskPartner.task_id).where(TaskPartner.department_id == department_id)
        query = query.where(or_(ReformTask.lead_department_id == department_id, ReformTask.id.in_(partner)))
    if status:
        query = query.where(ReformTask.status == status)
    if major:
        query = query.where(ReformTask.is_major.is_(True))
    tasks = list(db.session.scalars(query.order_by(ReformTask.year.desc(), ReformTask.code, ReformTask.id).limit(2000)))
    rows = with_flags(tasks, today)
    if flag in ("overdue", "at_risk"):
        rows = [r for r in rows if r.level == flag]
    elif flag == "flagged":
        rows = [r for r in rows if r.level]
    return rows


def years() -> list[int]:
    return [y for (y,) in db.session.execute(select(ReformTask.year).distinct().order_by(ReformTask.year.desc()))]


def flag_counts(user: User, today: date) -> dict[str, int]:
    """For the dashboard: tasks overdue and at risk among those the user sees."""
    rows = task_list(user, today)
    return {"overdue": sum(r.level == "overdue" for r in rows), "at_risk": sum(r.level == "at_risk" for r in rows), "total": len(rows)}


def public_reforms() -> list[tuple[Plan, int, int]]:
    """Plans with public tasks: (plan, task count, mean progress)."""
    rows = db.session.execute(
        select(Plan, func.count(ReformTask.id), func.avg(ReformTask.progress))
        .join(ReformTask, ReformTask.plan_id == Plan.id)
        .where(ReformTask.public.is_(True), ReformTask.parent_id.is_(None), Plan.published.is_(True))
        .group_by(Plan.id)
        .order_by(Plan.id.desc())
    )
    return [(plan, count, round(avg or 0)) for plan, count, avg in rows]


def public_tasks(plan_id: int) -> list[ReformTask]:
    return list(db.session.scalars(
        select(ReformTask).where(ReformTask.plan_id == plan_id, ReformTask.public.is_(True)).order_by(ReformTask.code, ReformTask.id)
    ))


def tasks_for_comments(comment_ids: list[int]) -> dict[int, list[ReformTask]]:
    """The tasks that carry out each of these opinions (a citizen's "my comments")."""
    if not comment_ids:
        return {}
    found: dict[int, list[ReformTask]] = {}
    rows = db.session.execute(
        select(TaskOpinion.comment_id, ReformTask).join(ReformTask, ReformTask.id == TaskOpinion.task_id)
        .where(TaskOpinion.comment_id.in_(comment_ids), ReformTask.public.is_(True))
    )
    for comment_id, task in rows:
        found.setdefault(comment_id, []).append(task)
    return found


def opinion_count(task_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(TaskOpinion).where(TaskOpinion.task_id == task_id)) or 0
