"""Exports of a survey: raw answers (a row per response, personal data masked) and the aggregates,
as CSV or XLSX. Formula starts are neutralised by `consult.core.spreadsheets`."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from consult.core.spreadsheets import write_csv, write_xlsx
from consult.extensions import db
from consult.surveys.models import Survey, SurveyAnswer, SurveyResponse, SurveyVersion
from consult.surveys.results import Results
from consult.surveys.spec import SATISFACTION
from worker.analysis.normalise import mask_personal


def _columns(version: SurveyVersion) -> list[tuple[str, int, str]]:
    """(header, question id, part): part is "" for the answer, "reason", or a matrix row number."""
    out = []
    for q in version.questions:
        if q.kind == "matrix":
            out.extend((f"{q.key} {q.title}：{row}", q.id, str(r)) for r, row in enumerate(q.spec["rows"], start=1))
        else:
            out.append((f"{q.key} {q.title}", q.id, ""))
            if q.spec.get("reason"):
                out.append((f"{q.key} 原因", q.id, "reason"))
    return out


def _label(kind: str, spec: dict[str, Any], answer: SurveyAnswer) -> str:
    if kind in ("single", "multiple"):
        return spec["options"][int(answer.option) - 1]
    if kind == "satisfaction" and answer.value is not None:
        return SATISFACTION[int(answer.value)]
    if kind == "matrix" and answer.value is not None:
        return spec["columns"][int(answer.value) - 1]
    if answer.value is not None:
        return str(int(answer.value))
    return mask_personal(answer.text or "")


CHUNK = 1000  # responses whose answers are read in one query


def raw_rows(survey: Survey, version: SurveyVersion) -> tuple[list[str], Iterator[list[Any]]]:
    """One row per response, in a random order numbered 1..n: the order of submission (which a
    response id or a sorted export gives away) could match an anonymous answer to the moment a
    known person used their link. Answers are read in chunks of shuffled responses."""
    columns = _columns(version)
    kinds = {q.id: (q.kind, q.spec) for q in version.questions}
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
                kind, spec = kinds[answer.question_id]
                part = answer.option if kind == "matrix" else ""
                own = cells[answer.response_id]
                own.setdefault((answer.question_id, part), []).append(_label(kind, spec, answer))
                if answer.text and kind in ("rating", "satisfaction", "nps"):
                    own[(answer.question_id, "reason")] = [mask_personal(answer.text)]
            for rid in chunk:
                number += 1
                yield [number, str(days[rid]), *["、".join(cells[rid].get((c[1], c[2]), [])) for c in columns]]

    return header, rows()


def aggregate_rows(result: Results) -> tuple[list[str], list[list[Any]]]:
    header = ["题号", "题目", "选项/分值", "人数", "占比", "均值", "满意度指数(0-100)", "低分占比", "NPS"]
    out: list[list[Any]] = []
    for qr in result.questions:
        q = qr.question
        stats = [round(qr.mean, 2) if qr.mean is not None else "", round(qr.index, 1) if qr.index is not None else "",
                 f"{qr.low_share:.1%}" if qr.low_share is not None else "", round(qr.nps, 1) if qr.nps is not None else ""]
        for label, n in qr.distribution:
            out.append([q.key, q.title, label, n, f"{n / qr.answered:.1%}" if qr.answered else "", *stats])
        for row, cells, mean in qr.matrix:
            for label, n in cells:
                out.append([q.key, f"{q.title}：{row}", label, n, "", round(mean, 2) if mean is not None else "", "", "", ""])
        if q.kind in ("text", "textarea"):
            out.append([q.key, q.title, "（文字回答条数）", qr.text_count, "", "", "", "", ""])
    if result.withheld:
        out.append(["", f"匿名问卷：所选时段答卷少于 {result.withheld} 份，不导出分布", "", "", "", "", "", "", ""])
    out.append(["", "答卷总数", "", result.responses, "", "", "", "", ""])
    if result.invitations:
        out.append(["", "回收率", "", f"{result.responses}/{result.invitations}", f"{result.response_rate:.1%}", "", "", "", ""])
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
