"""Survey results computed in SQL (GROUP BY over answer rows): per-question distributions, means,
NPS, cross-tabulations, response rates. Python only shapes the grouped counts for the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from consult.extensions import db
from consult.surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
)
from consult.surveys.spec import SATISFACTION, SCALED, is_low, options_of, scale, score_100

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
    # One row per respondent for most kinds, so the grouped counts give "answered"; only
    # multiple choice needs a DISTINCT (a matrix is answered whole, so its first row counts).
    multiple = [q.id for q in questions if q.kind == "multiple"]
    answered = dict(db.session.execute(
        _filtered(select(SurveyAnswer.question_id, func.count(func.distinct(SurveyAnswer.response_id))).where(SurveyAnswer.question_id.in_(multiple)), survey, version.id, months)
        .group_by(SurveyAnswer.question_id)
    ).all()) if multiple else {}
    for q in questions:
        if q.kind == "matrix":
            answered[q.id] = sum(n for option, _, n in counts.get(q.id, []) if option == "1")
        elif q.kind != "multiple":
            answered[q.id] = sum(n for _, _, n in counts.get(q.id, []))
    out = []
    for q in questions:
        result = QuestionResult(question=q, answered=answered.get(q.id, 0))
        shape(result, counts.get(q.id, []))
        if q.kind in ("text", "textarea") or (q.kind in SCALED and q.spec.get("reason")):
            _texts(result, survey, version.id, months)
        out.append(result)
    return Results(responses=responses, invitations=invitations, questions=out)


def shape(result: QuestionResult, rows: list[tuple[str, float | None, int]]) -> None:
    """Turn grouped (option, value, count) rows into the distribution of one question."""
    q, kind = result.question, result.question.kind
    if kind in ("single", "multiple"):
        by_option = {o: n for o, _, n in rows}
        result.distribution = [(label, by_option.get(str(i), 0)) for i, label in enumerate(q.spec["options"], start=1)]
    elif kind in SCALED:
        by_value = {int(v): n for _, v, n in rows if v is not None}
        low, high = scale(kind)
        values = list(range(high, low - 1, -1)) if kind == "satisfaction" else list(range(low, high + 1))
        result.distribution = [(SATISFACTION[v] if kind == "satisfaction" else str(v), by_value.get(v, 0)) for v in values]
        total = sum(by_value.values())
        if total:
            result.mean = sum(v * n for v, n in by_value.items()) / total
            result.index = sum(score_100(kind, v) * n for v, n in by_value.items()) / total
            result.low_share = sum(n for v, n in by_value.items() if is_low(kind, v)) / total
            if kind == "nps":
                promoters = sum(n for v, n in by_value.items() if v >= 9)
                detractors = sum(n for v, n in by_value.items() if v <= 6)
                result.nps = (promoters - detractors) / total * 100
    elif kind == "matrix":
        columns = q.spec["columns"]
        for r, label in enumerate(q.spec["rows"], start=1):
            cells = {int(v): n for o, v, n in rows if o == str(r) and v is not None}
            total = sum(cells.values())
            mean = sum(v * n for v, n in cells.items()) / total if total else None
            result.matrix.append((label, [(c, cells.get(i, 0)) for i, c in enumerate(columns, start=1)], mean))
    else:
        result.text_count = sum(n for _, _, n in rows)


def _texts(result: QuestionResult, survey: Survey, version_id: int, months: tuple[str | None, str | None]) -> None:
    from worker.analysis.normalise import mask_personal

    query = _filtered(select(SurveyAnswer.text).where(SurveyAnswer.question_id == result.question.id, SurveyAnswer.text.is_not(None)), survey, version_id, months)
    result.texts = [mask_personal(t) for t in db.session.scalars(query.order_by(SurveyAnswer.id.desc()).limit(TEXT_SAMPLE))]
    if result.question.kind not in ("text", "textarea"):
        result.text_count = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _axis(q: SurveyQuestion) -> tuple[Any, list[tuple[str, str]]]:
    """The answer column a question is cross-tabulated on, and its (stored key, label) values."""
    if q.kind in ("single", "multiple"):
        return SurveyAnswer.option, [(str(i), label) for i, label in enumerate(q.spec["options"], start=1)]
    low, high = scale(q.kind)
    if q.kind == "satisfaction":
        return SurveyAnswer.value, [(str(float(v)), SATISFACTION[v]) for v in range(high, low - 1, -1)]
    return SurveyAnswer.value, [(str(float(v)), str(v)) for v in range(low, high + 1)]


CROSSABLE = ("single", "multiple", "rating", "satisfaction", "nps")


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


def option_labels(q: SurveyQuestion) -> list[str]:
    return options_of(q.spec)


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
