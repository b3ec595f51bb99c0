"""Exports of a survey: raw answers (a row per response, personal data masked) and the aggregates,
as CSV or XLSX. Formula starts are neutralised by `consult.core.files.spreadsheets`."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from consult.core.files.spreadsheets import percent, write_csv, write_xlsx
from consult.extensions import db
from consult.surveys import questions as kinds
from consult.surveys.models import Survey, SurveyAnswer, SurveyResponse, SurveyVersion
from consult.surveys.results import Results


def _columns(version: SurveyVersion) -> list[tuple[str, int, str]]:
    """(header, question id, part): part is "" for the answer, or what the kind names ("reason", a matrix row)."""
    return [(header, q.id, part) for q in version.questions for header, part in kinds.get(q.kind).export_columns(q.spec)]


CHUNK = 1000  # responses whose answers are read in one query


def raw_rows(survey: Survey, version: SurveyVersion) -> tuple[list[str], Iterator[list[Any]]]:
    """One row per response, in a random order numbered 1..n: the order of submission (which a
    response id or a sorted export gives away) could match an anonymous answer to the moment a
    known person used their link. Answers are read in chunks of shuffled responses."""
    columns = _columns(version)
    questions = {q.id: (kinds.get(q.kind), q.spec) for q in version.questions}
    header = ["答卷编号", "提交日期", *[c[0] for c in columns]]

    def rows() -> Iterator[list[Any]]:
        days = dict(db.session.execute(select(SurveyResponse.id, SurveyResponse.submitted_on).where(SurveyResponse.version_id == version.id)).all())
        order = list(days)
        secrets.SystemRandom().shuffle(order)
        number = 0
        for start in range(0, len(order), CHUNK):
            chunk = order[start:start + CHUNK]
            cells: dict[int, dict[tuple[int, str], list[str]]] = {rid: {} for rid in chunk}
            query = select(SurveyAnswer).where(SurveyAnswer.response_id.in_(chunk)).order_by(SurveyAnswer.id)
            for answer in db.session.scalars(query):
                kind, spec = questions[answer.question_id]
                own = cells[answer.response_id]
                for part, cell in kind.export_cells(spec, answer.option, answer.value, answer.text):
                    own.setdefault((answer.question_id, part), []).append(cell)
            for rid in chunk:
                number += 1
                yield [number, str(days[rid]), *["、".join(cells[rid].get((c[1], c[2]), [])) for c in columns]]

    return header, rows()


def aggregate_rows(result: Results) -> tuple[list[str], list[list[Any]]]:
    header = ["题号", "题目", "选项/分值", "人数", "占比", "均值", "满意度指数(0-100)", "低分占比", "NPS"]
    out: list[list[Any]] = []
    for qr in result.questions:
        out.extend(kinds.get(qr.question.kind).aggregate_rows(qr))
    if result.withheld:
        out.append(["", f"匿名问卷：所选时段答卷少于 {result.withheld} 份，不导出分布", "", "", "", "", "", "", ""])
    out.append(["", "答卷总数", "", result.responses, "", "", "", "", ""])
    if result.invitations:
        out.append(["", "回收率", "", f"{result.responses}/{result.invitations}", percent(result.response_rate), "", "", "", ""])
    return header, out


def export(kind: str, fmt: str, survey: Survey, version: SurveyVersion, result: Results | None = None) -> bytes:
    if kind == "raw":
        header, rows = raw_rows(survey, version)
        sheet = "答卷（已脱敏）"
    else:
        assert result is not None
        header, rows = aggregate_rows(result)  # type: ignore[assignment]
        sheet = "统计"
    if fmt == "csv":
        return write_csv(header, rows)
    return write_xlsx([(sheet, header, rows)])
