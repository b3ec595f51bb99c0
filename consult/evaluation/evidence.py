"""Everything the formulas read, loaded in a few bulk queries for one year: accepted progress
reports, milestones, answered opinions per plan, survey ratings and 差评 tickets per department,
expert scores, accepted third-party evaluations and hand-entered scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from consult.core import channels
from consult.core.models import Department
from consult.evaluation.models import EvaluationStatus, Indicator, ManualScore, ThirdPartyEvaluation
from consult.experts.scoring import task_expert_scores
from consult.extensions import db
from consult.ledger.models import Milestone, ProgressReport, ReformTask, ReportReview, TaskStatus
from consult.plans.models import Comment
from consult.responses.models import Response
from consult.surveys import satisfaction as satisfaction_index
from consult.surveys.building import local_day
from consult.surveys.models import ServiceTicket


def untallied_sources() -> list[str]:
    """Channels kept out of public figures (experts' opinions): never counted as public opinions."""
    return [c.source for c in channels.all_channels() if not c.tallied]


@dataclass
class Evidence:
    year: int
    today: date
    tasks: list[ReformTask]
    accepted_reports: dict[int, int] = field(default_factory=dict)
    milestones: dict[int, list[tuple[date, date | None]]] = field(default_factory=dict)
    adoption: dict[int, dict[str, int]] = field(default_factory=dict)  # plan id → status → answered opinions
    ratings: dict[int, dict[int, int]] = field(default_factory=dict)  # department id → value 1-5 → answers
    tickets: dict[int, list[tuple[date, date | None]]] = field(default_factory=dict)  # department id → (due, closed)
    expert: dict[int, tuple[list[float], float]] = field(default_factory=dict)  # task id → (scores, scale max)
    third_party: list[ThirdPartyEvaluation] = field(default_factory=list)
    manual: list[ManualScore] = field(default_factory=list)


def scored_tasks(year: int, department_id: int | None = None) -> list[ReformTask]:
    """The year's tasks; cancelled ones are not evaluated."""
    query = select(ReformTask).where(ReformTask.year == year, ReformTask.status != TaskStatus.CANCELLED)
    if department_id is not None:
        query = query.where(ReformTask.lead_department_id == department_id)
    return list(db.session.scalars(query.order_by(ReformTask.code, ReformTask.id)))


def load(year: int, tasks: Sequence[ReformTask], today: date | None = None) -> Evidence:
    ids = [t.id for t in tasks]
    evidence = Evidence(year=year, today=today or local_day(), tasks=list(tasks))
    if ids:
        evidence.accepted_reports = dict(db.session.execute(
            select(ProgressReport.task_id, func.count()).where(ProgressReport.task_id.in_(ids), ProgressReport.review == ReportReview.ACCEPTED)
            .group_by(ProgressReport.task_id)).all())
        for task_id, due, done in db.session.execute(select(Milestone.task_id, Milestone.due_on, Milestone.done_on).where(Milestone.task_id.in_(ids))):
            evidence.milestones.setdefault(task_id, []).append((due, done))
        evidence.expert = _expert_scores(ids)
    plans = {t.plan_id for t in tasks if t.plan_id}
    if plans:
        for plan_id, status, n in db.session.execute(
            select(Response.plan_id, Response.status, func.count()).join(Comment, Comment.id == Response.comment_id)
            .where(Response.plan_id.in_(plans), Comment.source.not_in(untallied_sources())).group_by(Response.plan_id, Response.status)):
            evidence.adoption.setdefault(plan_id, {})[status] = n
    evidence.ratings = _ratings(year)
    evidence.tickets = _tickets(year)
    evidence.third_party = list(db.session.scalars(select(ThirdPartyEvaluation).where(
        ThirdPartyEvaluation.year == year, ThirdPartyEvaluation.status == EvaluationStatus.ACCEPTED, ThirdPartyEvaluation.score.is_not(None))))
    evidence.manual = list(db.session.scalars(select(ManualScore).join(Indicator, Indicator.id == ManualScore.indicator_id).where(Indicator.year == year)))
    return evidence


def _ratings(year: int) -> dict[int, dict[int, int]]:
    """Rating answers per department in the year's months, from the satisfaction index."""
    ids = {name: i for i, name in db.session.execute(select(Department.id, Department.name))}
    ratings: dict[int, dict[int, int]] = defaultdict(dict)
    for line in satisfaction_index.scorecard():
        dept = ids.get(line.department)
        if dept is None:
            continue
        for cell in line.months:
            if cell.month.startswith(f"{year}-"):
                for value, n in cell.distribution.items():
                    ratings[dept][value] = ratings[dept].get(value, 0) + n
    return dict(ratings)


def _tickets(year: int) -> dict[int, list[tuple[date, date | None]]]:
    tickets: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    query = select(ServiceTicket.department_id, ServiceTicket.due_on, ServiceTicket.closed_at).where(
        ServiceTicket.department_id.is_not(None), ServiceTicket.opened_on >= date(year, 1, 1), ServiceTicket.opened_on <= date(year, 12, 31))
    for dept, due, closed_at in db.session.execute(query):
        tickets[dept].append((due, local_day(closed_at) if closed_at else None))
    return dict(tickets)


def _expert_scores(task_ids: list[int]) -> dict[int, tuple[list[float], float]]:
    """Each expert's weighted total (0-100) per task that has expert scoring sheets."""
    return {tid: (list(s.totals), 100.0) for tid, s in task_expert_scores(task_ids).items() if s.count}
