"""Survey results computed in SQL (GROUP BY over answer rows): per-question distributions, means,
NPS, cross-tabulations, response rates. Python only shapes the grouped counts for the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

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

TEXT_SAMPLE = 20


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0  # respondents who answered it
    # (label, count) in scale or option order; for a matrix, one list per row
    distribution: list[tuple[str, int]] = field(default_factory=list)
    matrix: list[tuple[str, list[tuple[str, int]], float | None]] = field(default_factory=list)
    mean: float | None = None
    index: float | None = None  # 0-100
    low_share: float | None = None
    nps: float | None = None
    texts: list[str] = field(default_factory=list)
    text_count: int = 0
    lows: list[bool] = field(default_factory=list)  # per distribution entry: a low rating (drawn red)

    @property
    def free_text(self) -> bool:
        return kinds.get(self.question.kind).free_text

    @property
    def peak(self) -> int:
        counts = [c for _, c in self.distribution] + [c for _, row, _ in self.matrix for _, c in row]
        return max(counts or [0]) or 1


@dataclass
class Results:
    responses: int
    invitations: int
    questions: list[QuestionResult]
    withheld: int = 0  # > 0: a breakdown smaller than this minimum group, distributions not shown

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.invitations if self.invitations else None


def _responses(survey: Survey, version_id: int | None, months: tuple[str | None, str | None]) -> Select:
    query = select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id)
    if version_id is not None:
        query = query.where(SurveyResponse.version_id == version_id)
    if months[0]:
        query = query.where(SurveyResponse.month >= months[0])
    if months[1]:
        query = query.where(SurveyResponse.month <= months[1])
    return query


def _filtered(query: Select, survey: Survey, version_id: int | None, months: tuple[str | None, str | None]) -> Select:
    """Restrict answer rows to responses in the period (a join only when a period is chosen)."""
    if months[0] or months[1]:
        query = query.join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id).where(
            *(_responses(survey, version_id, months).whereclause,)  # type: ignore[arg-type]
        )
    return query


def results(survey: Survey, version: SurveyVersion, months: tuple[str | None, str | None] = (None, None)) -> Results:
    questions = list(version.questions)
    ids = [q.id for q in questions]
    responses = db.session.scalar(select(func.count()).select_from(_responses(survey, version.id, months).subquery())) or 0
    invitations = db.session.scalar(select(func.count(SurveyInvitation.id)).where(SurveyInvitation.survey_id == survey.id, SurveyInvitation.ticket_id.is_(None))) or 0
    grouped = _filtered(
        select(SurveyAnswer.question_id, SurveyAnswer.option, SurveyAnswer.value, func.count()).where(SurveyAnswer.question_id.in_(ids)),
        survey, version.id, months,
    ).group_by(SurveyAnswer.question_id, SurveyAnswer.option, SurveyAnswer.value)
    counts: dict[int, list[tuple[str, float | None, int]]] = {}
    for qid, option, value, n in db.session.execute(grouped):
        counts.setdefault(qid, []).append((option, value, n))
    # Each kind counts its respondents from the grouped rows, except those (multiple choice) with
    # several rows per respondent: they need a COUNT(DISTINCT response_id).
    answered = {q.id: kinds.get(q.kind).respondents(counts.get(q.id, [])) for q in questions}
    distinct = [qid for qid, n in answered.items() if n is None]
    if distinct:
        answered.update(db.session.execute(
            _filtered(select(SurveyAnswer.question_id, func.count(func.distinct(SurveyAnswer.response_id))).where(SurveyAnswer.question_id.in_(distinct)), survey, version.id, months)
            .group_by(SurveyAnswer.question_id)
        ).all())
    out = []
    for q in questions:
        result = QuestionResult(question=q, answered=answered.get(q.id) or 0)
        shape(result, counts.get(q.id, []))
        if kinds.get(q.kind).wants_texts(q.spec):
            _texts(result, survey, version.id, months)
        out.append(result)
    return Results(responses=responses, invitations=invitations, questions=out)


def shape(result: QuestionResult, rows: list[tuple[str, float | None, int]]) -> None:
    """Turn grouped (option, value, count) rows into the distribution of one question."""
    kinds.get(result.question.kind).shape(result, rows)


def _texts(result: QuestionResult, survey: Survey, version_id: int, months: tuple[str | None, str | None]) -> None:
    from worker.analysis.normalise import mask_personal

    query = _filtered(select(SurveyAnswer.text).where(SurveyAnswer.question_id == result.question.id, SurveyAnswer.text.is_not(None)), survey, version_id, months)
    result.texts = [mask_personal(t) for t in db.session.scalars(query.order_by(SurveyAnswer.id.desc()).limit(TEXT_SAMPLE))]
    if not result.free_text:
        result.text_count = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _axis(q: SurveyQuestion) -> tuple[Any, list[tuple[str, str]]]:
    """The answer column a question is cross-tabulated on, and its (stored key, label) values."""
    column, labels = kinds.get(q.kind).axis(q.spec)
    return getattr(SurveyAnswer, column), labels


def crossable(q: SurveyQuestion) -> bool:
    return kinds.get(q.kind).crossable


def crosstab(survey: Survey, qa: SurveyQuestion, qb: SurveyQuestion, months: tuple[str | None, str | None] = (None, None)) -> dict[str, Any]:
    """Respondents by (answer to A, answer to B): a self-join of answer rows on the response."""
    a, b = aliased(SurveyAnswer), aliased(SurveyAnswer)
    col_a, labels_a = _axis(qa)
    col_b, labels_b = _axis(qb)
    ca, cb = getattr(a, col_a.key), getattr(b, col_b.key)
    query = (
        select(ca, cb, func.count())
        .select_from(a)
        .join(b, and_(b.response_id == a.response_id, b.question_id == qb.id))
        .where(a.question_id == qa.id)
    )
    if months[0] or months[1]:
        query = query.join(SurveyResponse, SurveyResponse.id == a.response_id).where(_responses(survey, None, months).whereclause)  # type: ignore[arg-type]
    cells: dict[tuple[str, str], int] = {}
    for x, y, n in db.session.execute(query.group_by(ca, cb)):
        cells[(str(x) if col_a.key == "option" else str(float(x)), str(y) if col_b.key == "option" else str(float(y)))] = n
    return {
        "rows": [(label, [cells.get((ka, kb), 0) for kb, _ in labels_b]) for ka, label in labels_a],
        "columns": [label for _, label in labels_b],
        "peak": max(cells.values(), default=0) or 1,
    }


def withhold_small(result: Results, survey: Survey, months: tuple[str | None, str | None], minimum: int) -> Results:
    """Anonymous surveys: a period with fewer than `minimum` responses is a breakdown small enough
    to point at its respondents (who was invited that month is known), so its answers are not shown."""
    if not survey.anonymous or not (months[0] or months[1]) or not 0 < result.responses < minimum:
        return result
    return Results(responses=result.responses, invitations=result.invitations, questions=[], withheld=minimum)


def suppress_small(table: dict[str, Any], minimum: int) -> dict[str, Any]:
    """A cross-tab with every cell under `minimum` (but not empty) replaced by None, and the row
    total of such a row hidden too (otherwise total minus the shown cells gives the hidden one).
    `minimum` 0 hides nothing; the row totals are added either way."""
    rows, totals = [], []
    for label, cells in table["rows"]:
        shown = [n if n == 0 or n >= minimum else None for n in cells]
        rows.append((label, shown))
        totals.append(None if None in shown else sum(cells))
    suppressed = any(None in cells for _, cells in rows)
    return {**table, "rows": rows, "totals": totals, "suppressed": minimum if suppressed else 0}
