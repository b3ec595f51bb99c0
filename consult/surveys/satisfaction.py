"""The satisfaction index per department and service per month (formula in docs/surveys.md),
with the distribution, the share of low ratings and the number of answers behind each figure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from consult.core.models import Department
from consult.extensions import db
from consult.surveys import questions as kinds
from consult.surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
)
from consult.surveys.questions.scales import score_100

# The kinds that say so (rating, satisfaction: both on 1-5); NPS is reported apart (it asks about recommending).
INDEX_KINDS = kinds.names(where="in_index")


@dataclass
class Cell:
    month: str
    answers: int
    responses: int
    index: float  # 0-100
    low_share: float
    distribution: dict[int, int] = field(default_factory=dict)  # value 1-5 -> answers


@dataclass
class Line:
    department: str
    service: str
    months: list[Cell]
    invitations: int = 0
    invited_responses: int = 0  # responses to invitation surveys, the numerator of the response rate

    @property
    def latest(self) -> Cell:
        return self.months[-1]

    @property
    def total_answers(self) -> int:
        return sum(c.answers for c in self.months)

    @property
    def responses(self) -> int:
        return sum(c.responses for c in self.months)

    @property
    def response_rate(self) -> float | None:
        return self.invited_responses / self.invitations if self.invitations else None


def scorecard(*, department_id: int | None = None, plan_id: int | None = None) -> list[Line]:
    """One line per (department, service) with its monthly index, oldest month first.

    The answers are counted by (question, month, value) in SQL; the few rating questions are then
    mapped to their department and service, so no join to the survey table runs per answer."""
    owners = {
        qid: (dept, service)
        for qid, dept, service in db.session.execute(_scope(
            select(SurveyQuestion.id, Survey.department_id, Survey.service)
            .join(SurveyVersion, SurveyVersion.id == SurveyQuestion.version_id)
            .join(Survey, Survey.id == SurveyVersion.survey_id)
            .where(SurveyQuestion.kind.in_(INDEX_KINDS)),
            department_id, plan_id,
        ))
    }
    if not owners:
        return []
    query = (
        select(SurveyAnswer.question_id, SurveyResponse.month, SurveyAnswer.value, func.count())
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyAnswer.question_id.in_(list(owners)), SurveyAnswer.value.is_not(None))
        .group_by(SurveyAnswer.question_id, SurveyResponse.month, SurveyAnswer.value)
    )
    cells: dict[tuple[int | None, str], dict[str, dict]] = defaultdict(dict)
    for qid, month, value, answers in db.session.execute(query):
        cell = cells[owners[qid]].setdefault(month, {"answers": 0, "score": 0.0, "low": 0, "dist": {}})
        cell["answers"] += answers
        cell["score"] += score_100(value, 1, 5) * answers
        cell["low"] += answers if value <= 2 else 0
        cell["dist"][int(value)] = cell["dist"].get(int(value), 0) + answers
    responses = _responses(department_id, plan_id)
    invitations, invited = _invitations(department_id, plan_id)
    names = dict(db.session.execute(select(Department.id, Department.name)).all())
    lines = []
    for (dept, service), months in sorted(cells.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1])):
        lines.append(Line(
            department=names.get(dept, "未指定部门"), service=service or "（未指定服务）",
            months=[Cell(m, c["answers"], responses.get((dept, service, m), 0), c["score"] / c["answers"], c["low"] / c["answers"], c["dist"])
                    for m, c in sorted(months.items())],
            invitations=invitations.get((dept, service), 0),
            invited_responses=invited.get((dept, service), 0),
        ))
    return lines


def _scope(query, department_id: int | None, plan_id: int | None):  # type: ignore[no-untyped-def]
    if department_id is not None:
        query = query.where(Survey.department_id == department_id)
    if plan_id is not None:
        query = query.where(Survey.plan_id == plan_id)
    return query


def _responses(department_id: int | None, plan_id: int | None) -> dict[tuple, int]:
    """Answer sheets per (department, service, month) of surveys that ask for a rating."""
    rated = select(SurveyVersion.survey_id).join(SurveyQuestion, SurveyQuestion.version_id == SurveyVersion.id).where(SurveyQuestion.kind.in_(INDEX_KINDS))
    query = (
        select(Survey.department_id, Survey.service, SurveyResponse.month, func.count(SurveyResponse.id))
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.survey_id.in_(rated))
        .group_by(Survey.department_id, Survey.service, SurveyResponse.month)
    )
    return {(d, s, m): n for d, s, m, n in db.session.execute(_scope(query, department_id, plan_id))}


def _invitations(department_id: int | None, plan_id: int | None) -> tuple[dict[tuple, int], dict[tuple, int]]:
    """Links sent (follow-up links of tickets excluded) and responses to invitation surveys."""
    sent = (
        select(Survey.department_id, Survey.service, func.count(SurveyInvitation.id))
        .join(Survey, Survey.id == SurveyInvitation.survey_id)
        .where(SurveyInvitation.ticket_id.is_(None))
        .group_by(Survey.department_id, Survey.service)
    )
    answered = (
        select(Survey.department_id, Survey.service, func.count(SurveyResponse.id))
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(Survey.mode == "invite")
        .group_by(Survey.department_id, Survey.service)
    )
    return (
        {(d, s): n for d, s, n in db.session.execute(_scope(sent, department_id, plan_id))},
        {(d, s): n for d, s, n in db.session.execute(_scope(answered, department_id, plan_id))},
    )
