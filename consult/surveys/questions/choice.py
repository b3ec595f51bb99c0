"""Choice questions: single (one option) and multiple (between min and max options)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.core.web.errors import ServiceError
from consult.core.web.languages import N_
from consult.surveys.questions.base import (
    Form,
    Grouped,
    QuestionType,
    Row,
    fail,
    first,
    number,
    text_list,
)


class _Choice(QuestionType):
    crossable = True
    editor_fields = ("options",)

    def parse(self, item: dict[str, Any], where: str) -> dict[str, Any]:
        return {"options": text_list(item, "options", where, required=True)}

    def labels(self, q: dict[str, Any]) -> list[str]:
        return list(q["options"])

    def shape(self, result: Any, grouped: Grouped) -> None:
        by_option = {o: n for o, _, n in grouped}
        result.distribution = [(label, by_option.get(str(i), 0)) for i, label in enumerate(result.question.spec["options"], start=1)]

    def axis(self, q: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
        return "option", [(str(i), label) for i, label in enumerate(q["options"], start=1)]

    def export_cells(self, q: dict[str, Any], option: str, value: float | None, text: str | None) -> list[tuple[str, str]]:
        return [("", q["options"][int(option) - 1])]


class Single(_Choice):
    name, label = "single", N_("单选")
    builder = {"type": "single", "title": "单选题", "options": ["选项一", "选项二"]}

    def read(self, q: dict[str, Any], form: Form) -> int | None:
        raw = first(form, f"q_{q['key']}", q["title"])
        return number(raw, 1, len(q["options"]), q["title"]) if raw else None

    def chosen_labels(self, q: dict[str, Any], answer: int) -> set[str]:
        return {q["options"][answer - 1]}

    def rows(self, q: dict[str, Any], answer: int) -> list[Row]:
        return [Row(q["key"], option=str(answer))]


class Multiple(_Choice):
    name, label = "multiple", N_("多选")
    editor_fields = ("options", "choose")
    builder = {"type": "multiple", "title": "多选题", "options": ["选项一", "选项二", "选项三"], "min": 1, "max": 2}

    def parse(self, item: dict[str, Any], where: str) -> dict[str, Any]:
        out = super().parse(item, where)
        count = len(out["options"])
        low, high = item.get("min", 0), item.get("max", count)
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= count and high >= 1):
            raise fail(_("%(where)s：最少/最多选择数应满足 0 ≤ min ≤ max ≤ 选项数。", where=where))
        return {**out, "min": low, "max": high}

    def read(self, q: dict[str, Any], form: Form) -> list[int] | None:
        raws = [v for v in form.get(f"q_{q['key']}") or [] if v.strip()]
        chosen = sorted({number(v, 1, len(q["options"]), q["title"]) for v in raws})
        if chosen and not q["min"] <= len(chosen) <= q["max"]:
            raise ServiceError(_("“%(title)s”请选择 %(min)s 到 %(max)s 项。", title=q["title"], min=q["min"], max=q["max"]), 400)
        return chosen or None

    def chosen_labels(self, q: dict[str, Any], answer: list[int]) -> set[str]:
        return {q["options"][i - 1] for i in answer}

    def rows(self, q: dict[str, Any], answer: list[int]) -> list[Row]:
        return [Row(q["key"], option=str(i)) for i in answer]

    def respondents(self, grouped: Grouped) -> int | None:
        return None  # one row per option chosen: respondents are counted as distinct responses
