"""Free-text questions: text (a line, 200 characters) and textarea (2,000 characters)."""

from __future__ import annotations

from typing import Any, ClassVar

from consult.core.web.languages import N_
from consult.surveys.questions.base import Form, Grouped, QuestionType, Row, first, free_text
from worker.analysis.normalise import mask_personal


class _Text(QuestionType):
    default_required = False
    free_text = True
    limit: ClassVar[int]

    def read(self, q: dict[str, Any], form: Form) -> str | None:
        return free_text(first(form, f"q_{q['key']}"), self.limit, q["title"]) or None

    def rows(self, q: dict[str, Any], answer: str) -> list[Row]:
        return [Row(q["key"], text=answer)]

    def shape(self, result: Any, grouped: Grouped) -> None:
        result.text_count = sum(n for _, _, n in grouped)

    def export_cells(self, q: dict[str, Any], option: str, value: float | None, text: str | None) -> list[tuple[str, str]]:
        return [("", mask_personal(text or ""))]

    def aggregate_rows(self, result: Any) -> list[list[Any]]:
        q = result.question
        return [[q.key, q.title, "（文字回答条数）", result.text_count, "", "", "", "", ""]]


class ShortText(_Text):
    name, label, limit = "text", N_("简答"), 200
    builder = {"type": "text", "title": "简答题", "required": False}


class LongText(_Text):
    name, label, limit = "textarea", N_("长文本"), 2000
    builder = {"type": "textarea", "title": "您的建议", "required": False}
