"""Scorecards: every indicator of the year with its value (or 无数据), evidence and distribution, and
the weighted total with the weights of indicators without data redistributed (formulas.total)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from consult.core.models import Department
from consult.evaluation import evidence as evidence_mod
from consult.evaluation import formulas as f
from consult.evaluation.evidence import Evidence
from consult.evaluation.models import KIND_LABELS, Indicator
from consult.extensions import db
from consult.ledger.models import ReformTask, TaskStatus


@dataclass
class Row:
    indicator: Indicator
    value: f.Value
    effective_weight: float | None  # None when the indicator has no data

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.indicator.kind, self.indicator.kind)


@dataclass
class Card:
    kind: str  # task | department
    id: int
    title: str
    rows: list[Row]
    total: f.Total
    department: str = ""
    tasks: int = 0


def indicators(year: int) -> list[Indicator]:
    return list(db.session.scalars(select(Indicator).where(Indicator.year == year).order_by(Indicator.id)))


def task_value(indicator: Indicator, task: ReformTask, ev: Evidence) -> f.Value:
    kind, dept = indicator.kind, task.lead_department_id
    if kind == "task_progress":
        return f.progress(task.progress, ev.accepted_reports.get(task.id, 0), task.status == TaskStatus.COMPLETED)
    if kind == "timeliness":
        return f.timeliness(task.deadline, task.completed_on, ev.milestones.get(task.id, []), ev.today)
    if kind == "satisfaction":
        return f.satisfaction(ev.ratings.get(dept, {})) if dept else f.NO_DATA
    if kind == "ticket_handling":
        return f.ticket_handling(ev.tickets.get(dept, []), ev.today) if dept else f.NO_DATA
    if kind == "adoption":
        return f.adoption(ev.adoption.get(task.plan_id, {})) if task.plan_id else f.NO_DATA
    if kind == "expert":
        scores, scale = ev.expert.get(task.id, ([], 100.0))
        return f.expert(scores, scale)
    if kind == "third_party":
        return f.third_party([_tp(e) for e in ev.third_party if e.scope == "task" and e.task_id == task.id])
    return f.manual([m.value for m in ev.manual if m.indicator_id == indicator.id and m.task_id == task.id])


def department_value(indicator: Indicator, department_id: int, tasks: list[ReformTask], ev: Evidence) -> f.Value:
    """Survey kinds are the department's own; third-party and manual scores pool the department's
    own entries with its tasks'; the other kinds are the plain mean over its tasks (formulas.pooled)."""
    kind = indicator.kind
    if kind == "satisfaction":
        return f.satisfaction(ev.ratings.get(department_id, {}))
    if kind == "ticket_handling":
        return f.ticket_handling(ev.tickets.get(department_id, []), ev.today)
    ids = {t.id for t in tasks}
    if kind == "third_party":
        return f.third_party([_tp(e) for e in ev.third_party
                              if (e.scope == "department" and e.department_id == department_id) or (e.scope == "task" and e.task_id in ids)])
    if kind == "manual":
        return f.manual([m.value for m in ev.manual if m.indicator_id == indicator.id and (m.department_id == department_id or m.task_id in ids)])
    return f.pooled([task_value(indicator, t, ev) for t in tasks])


def _tp(e) -> tuple[float, int, dict[str, int]]:  # type: ignore[no-untyped-def]
    return (float(e.score), int(e.sample_size or 0), {str(k): int(v) for k, v in (e.distribution or {}).items()})


def _card(kind: str, ident: int, title: str, values: list[tuple[Indicator, f.Value]], **extra: object) -> Card:
    oriented = [(i, f.oriented(v, i.direction)) for i, v in values]
    total = f.total([(i.id, i.weight, v) for i, v in oriented])
    rows = [Row(i, v, total.weights.get(i.id)) for i, v in oriented]
    return Card(kind, ident, title, rows, total, **extra)  # type: ignore[arg-type]


def task_card(task: ReformTask, year: int | None = None, ev: Evidence | None = None, inds: list[Indicator] | None = None) -> Card:
    year = year or task.year
    ev = ev or evidence_mod.load(year, [task])
    inds = indicators(year) if inds is None else inds
    title = f"{task.code} {task.title}" if task.code else task.title
    return _card("task", task.id, title, [(i, task_value(i, task, ev)) for i in inds],
                 department=task.lead_department.name if task.lead_department else "")


def department_card(department: Department, year: int, ev: Evidence | None = None, inds: list[Indicator] | None = None) -> Card:
    tasks = [t for t in ev.tasks if t.lead_department_id == department.id] if ev else evidence_mod.scored_tasks(year, department.id)
    ev = ev or evidence_mod.load(year, tasks)
    inds = indicators(year) if inds is None else inds
    return _card("department", department.id, department.name, [(i, department_value(i, department.id, tasks, ev)) for i in inds],
                 department=department.name, tasks=len(tasks))


def _rank_key(card: Card) -> tuple:
    return (card.total.value is None, -(card.total.value or 0), card.title)


def ranking(year: int) -> tuple[list[Card], list[Card]]:
    """(department cards, task cards) of the year, best first; cards without a total last."""
    tasks = evidence_mod.scored_tasks(year)
    ev = evidence_mod.load(year, tasks)
    inds = indicators(year)
    dept_ids = ({t.lead_department_id for t in tasks if t.lead_department_id} | set(ev.ratings) | set(ev.tickets)
                | {e.department_id for e in ev.third_party if e.department_id} | {m.department_id for m in ev.manual if m.department_id})
    departments = list(db.session.scalars(select(Department).where(Department.id.in_(dept_ids)))) if dept_ids else []
    dept_cards = sorted((department_card(d, year, ev, inds) for d in departments), key=_rank_key)
    task_cards = sorted((task_card(t, year, ev, inds) for t in tasks), key=_rank_key)
    return dept_cards, task_cards
