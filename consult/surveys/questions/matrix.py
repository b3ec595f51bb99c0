"""Matrix questions: several statements (rows) rated on one scale (columns, a 5-point Likert scale
by default), answered whole: every row or none."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.core.files.spreadsheets import decimal
from consult.core.web.errors import ServiceError
from consult.core.web.languages import N_
from consult.surveys.questions.base import (
    Form,
    Grouped,
    QuestionType,
    Row,
    first,
    number,
    text_list,
)

LIKERT = ["非常不同意", "不同意", "一般", "同意", "非常同意"]


class Matrix(QuestionType):
    name, label = "matrix", N_("矩阵量表")
    editor_fields = ("rows", "columns")
    builder = {"type": "matrix", "title": "您是否同意以下说法", "rows": ["说法一", "说法二"]}

    def editor(self) -> dict[str, Any]:
        return {**super().editor(), "default_columns": LIKERT}

    def parse(self, item: dict[str, Any], where: str) -> dict[str, Any]:
        return {"rows": text_list(item, "rows", where, required=True),
                "columns": text_list(item, "columns", where, required=False) or LIKERT}

    def read(self, q: dict[str, Any], form: Form) -> dict[int, int] | None:
        name, title, cells = f"q_{q['key']}", q["title"], {}
        for r in range(1, len(q["rows"]) + 1):
            raw = first(form, f"{name}_{r}", title)
            if raw:
                cells[r] = number(raw, 1, len(q["columns"]), title)
        # All or nothing, even when optional: results count a matrix's respondents by its first row.
        if cells and len(cells) < len(q["rows"]):
            raise ServiceError(_("“%(title)s”请回答每一行。", title=title), 400)
        return cells or None

    def rows(self, q: dict[str, Any], answer: dict[int, int]) -> list[Row]:
        return [Row(q["key"], option=str(r), value=float(c)) for r, c in sorted(answer.items())]

    def respondents(self, grouped: Grouped) -> int | None:
        return sum(n for option, _, n in grouped if option == "1")

    def shape(self, result: Any, grouped: Grouped) -> None:
        spec = result.question.spec
        for r, label in enumerate(spec["rows"], start=1):
            cells = {int(v): n for o, v, n in grouped if o == str(r) and v is not None}
            total = sum(cells.values())
            mean = sum(v * n for v, n in cells.items()) / total if total else None
            result.matrix.append((label, [(c, cells.get(i, 0)) for i, c in enumerate(spec["columns"], start=1)], mean))

    def export_columns(self, q: dict[str, Any]) -> list[tuple[str, str]]:
        return [(f"{q['key']} {q['title']}：{row}", str(r)) for r, row in enumerate(q["rows"], start=1)]

    def export_cells(self, q: dict[str, Any], option: str, value: float | None, text: str | None) -> list[tuple[str, str]]:
        return [(option, q["columns"][int(value) - 1])] if value is not None else []

    def aggregate_rows(self, result: Any) -> list[list[Any]]:
        q = result.question
        return [[q.key, f"{q.title}：{row}", label, n, "", decimal(mean, 2) if mean is not None else "", "", "", ""]
                for row, cells, mean in result.matrix for label, n in cells]
