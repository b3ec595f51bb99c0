"""Scale questions, one number per answer: rating (1-5), satisfaction (非常满意 5 … 非常不满意 1)
and NPS (0-10); each may ask for a reason, and a low score with a reason opens a service ticket."""

from __future__ import annotations

from typing import Any, ClassVar

from consult.core.web.languages import N_
from consult.surveys.questions.base import (
    MAX_REASON,
    Form,
    Grouped,
    QuestionType,
    Row,
    first,
    free_text,
    number,
)
from worker.analysis.normalise import mask_personal

# 5 = 非常满意 … 1 = 非常不满意: the value stored is the position on the scale, best high.
SATISFACTION = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"}


def score_100(value: float, low: int, high: int) -> float:
    """A value on the 0-100 scale the satisfaction index uses."""
    return (value - low) / (high - low) * 100


class _Scale(QuestionType):
    rated = crossable = True
    editor_fields = ("reason",)
    low: ClassVar[int] = 1
    high: ClassVar[int] = 5

    def parse(self, item: dict[str, Any], where: str) -> dict[str, Any]:
        return {"reason": bool(item.get("reason", False))}

    def value_range(self, q: dict[str, Any]) -> tuple[int, int]:
        return self.low, self.high

    def values(self) -> list[int]:
        """The scale in the order it is shown."""
        return list(range(self.low, self.high + 1))

    def value_label(self, value: float) -> str:
        return f"{int(value)}/{self.high}"

    def label_of(self, value: int) -> str:
        return str(value)

    def score(self, value: float) -> float:
        return score_100(value, self.low, self.high)

    def is_low(self, value: float) -> bool:
        """The bottom quarter of the scale: 1-2 of 5, 不满意/非常不满意, 0-2 of 10."""
        return self.score(value) <= 25

    def read(self, q: dict[str, Any], form: Form) -> tuple[int, str] | None:
        name, title = f"q_{q['key']}", q["title"]
        raw = first(form, name, title)
        if not raw:
            return None
        reason = free_text(first(form, f"{name}_reason"), MAX_REASON, title) if q.get("reason") else ""
        return number(raw, self.low, self.high, title), reason

    def chosen_value(self, answer: tuple[int, str]) -> float:
        return answer[0]

    def rows(self, q: dict[str, Any], answer: tuple[int, str]) -> list[Row]:
        return [Row(q["key"], value=float(answer[0]), text=answer[1] or None)]

    def shape(self, result: Any, grouped: Grouped) -> None:
        by_value = {int(v): n for _, v, n in grouped if v is not None}
        result.distribution = [(self.label_of(v), by_value.get(v, 0)) for v in self.values()]
        result.lows = [self.is_low(v) for v in self.values()]
        total = sum(by_value.values())
        if total:
            result.mean = sum(v * n for v, n in by_value.items()) / total
            result.index = sum(self.score(v) * n for v, n in by_value.items()) / total
            result.low_share = sum(n for v, n in by_value.items() if self.is_low(v)) / total

    def axis(self, q: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
        return "value", [(str(float(v)), self.label_of(v)) for v in self.values()]

    def export_columns(self, q: dict[str, Any]) -> list[tuple[str, str]]:
        reason = [(f"{q['key']} 原因", "reason")] if q.get("reason") else []
        return [*super().export_columns(q), *reason]

    def export_cells(self, q: dict[str, Any], option: str, value: float | None, text: str | None) -> list[tuple[str, str]]:
        cells = [("", self.label_of(int(value)))] if value is not None else []
        return cells + ([("reason", mask_personal(text))] if text else [])


class Rating(_Scale):
    name, label = "rating", N_("评分 1-5")
    in_index = True
    builder = {"type": "rating", "title": "请打分（1-5 分）", "reason": False}


class Satisfaction(_Scale):
    name, label = "satisfaction", N_("满意度")
    in_index = True
    builder = {"type": "satisfaction", "title": "您对本次服务是否满意", "reason": True}

    def labels(self, q: dict[str, Any]) -> list[str]:
        return [SATISFACTION[v] for v in self.values()]

    def values(self) -> list[int]:
        return list(range(self.high, self.low - 1, -1))  # 非常满意 first

    def label_of(self, value: int) -> str:
        return SATISFACTION[value]

    def value_label(self, value: float) -> str:
        return SATISFACTION.get(int(value), str(value))

    def chosen_labels(self, q: dict[str, Any], answer: tuple[int, str]) -> set[str]:
        return {SATISFACTION[answer[0]]}


class Nps(_Scale):
    name, label = "nps", N_("推荐度 0-10")
    low, high = 0, 10
    builder = {"type": "nps", "title": "您有多大可能向亲友推荐？", "required": False}

    def shape(self, result: Any, grouped: Grouped) -> None:
        super().shape(result, grouped)
        by_value = {int(v): n for _, v, n in grouped if v is not None}
        total = sum(by_value.values())
        if total:  # promoters 9-10 minus detractors 0-6
            promoters = sum(n for v, n in by_value.items() if v >= 9)
            detractors = sum(n for v, n in by_value.items() if v <= 6)
            result.nps = (promoters - detractors) / total * 100
