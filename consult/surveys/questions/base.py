"""The contract every survey question kind fulfils (parse its definition, read and check an answer,
render it, turn stored rows into results, export cells), and the pieces the kinds share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from flask_babel import gettext as _

from consult.core.files.spreadsheets import decimal, percent
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError

MAX_OPTIONS = 30
MAX_REASON = 1000
Form = Mapping[str, Sequence[str]]
Grouped = list[tuple[str, float | None, int]]  # (option, value, count) rows of one question


@dataclass(frozen=True)
class Row:
    """One stored answer row: question key, option or matrix row number, numeric value, text."""

    key: str
    option: str = ""
    value: float | None = None
    text: str | None = None


def fail(message: str) -> ServiceError:
    return ServiceError(message, 400)


def text_list(item: dict, field: str, where: str, *, required: bool) -> list[str]:
    """A list of option (or row, column) labels from a definition: non-empty, unique, at most 30."""
    values = item.get(field)
    if values is None and not required:
        return []
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise fail(_("%(where)s：“%(field)s”应为非空的文字列表。", where=where, field=field))
    values = [v.strip()[:200] for v in values]
    if len(values) > MAX_OPTIONS:
        raise fail(_("%(where)s：选项不能超过 %(n)s 个。", where=where, n=MAX_OPTIONS))
    if len(set(values)) != len(values):
        raise fail(_("%(where)s：选项不能重复。", where=where))
    return values


def first(form: Form, name: str, title: str = "") -> str:
    values = [v for v in form.get(name) or [] if v.strip()]
    if len(values) > 1:  # a tampered form: one answer only, never a silent pick
        raise ServiceError(_("“%(title)s”只能选择一项。", title=title or name), 400)
    return values[0].strip() if values else ""


def number(raw: str, low: int, high: int, title: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ServiceError(_("“%(title)s”的答案无效。", title=title), 400) from None
    if not low <= value <= high:
        raise ServiceError(_("“%(title)s”的答案超出范围（%(low)s-%(high)s）。", title=title, low=low, high=high), 400)
    return value


def free_text(raw: str, limit: int, title: str) -> str:
    if not raw.strip():
        return ""
    return clean_text(raw, field=f"“{title}”", max_chars=limit)


class QuestionType:
    """One question kind. Stateless: one instance per kind lives in the registry.

    `q` below is a question's normalised definition (what `parse` returned plus type, key, title,
    required, show_if); an answer is whatever `read` returns (never None once given)."""

    name: ClassVar[str]
    label: ClassVar[str]  # shown in the builder
    builder: ClassVar[dict[str, Any]]  # the skeleton the builder's button inserts
    answered: ClassVar[bool] = True  # False: a heading, no answer
    default_required: ClassVar[bool] = True
    free_text: ClassVar[bool] = False  # the answer is text: results list texts, exports count them
    rated: ClassVar[bool] = False  # a score: may be low (a ticket) and come with a reason
    in_index: ClassVar[bool] = False  # counts in the satisfaction index (1-5 scales)
    crossable: ClassVar[bool] = False  # may be an axis of a cross-tab
    # What the visual builder lets staff edit besides title, help, required and the condition:
    # "options" (choice labels), "choose" (min/max chosen), "rows"/"columns" (matrix), "reason".
    editor_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def template(self) -> str:
        """The partial that renders the question's inputs (context: q, name, values, disabled)."""
        return f"surveys/questions/{self.name}.html"

    def editor(self) -> dict[str, Any]:
        """What the builder's script needs to edit this kind (consult/static/js/survey_builder.js)."""
        try:
            fixed = self.labels({})
        except KeyError:  # labels come from the question's own options
            fixed = []
        try:
            bounds = self.value_range({})
        except KeyError:
            bounds = None
        return {"name": self.name, "label": _(self.label), "answered": self.answered, "template": self.builder,
                "fields": list(self.editor_fields), "labels": fixed, "range": list(bounds) if bounds else None,
                "default_required": self.default_required}

    # -- definition
    def parse(self, item: dict[str, Any], where: str) -> dict[str, Any]:
        """The kind's own fields of a definition, checked and normalised."""
        return {}

    def labels(self, q: dict[str, Any]) -> list[str]:
        """Option labels a skip condition `any_of` may name ([]: none, not a target)."""
        return []

    def value_range(self, q: dict[str, Any]) -> tuple[int, int] | None:
        """The values a skip condition `min`/`max` compares (None: not a target)."""
        return None

    # -- answering
    def read(self, q: dict[str, Any], form: Form) -> Any:
        """The answer from the submitted form, or None when left empty. Raises ServiceError (400)."""
        raise NotImplementedError

    def chosen_labels(self, q: dict[str, Any], answer: Any) -> set[str]:
        return set()

    def chosen_value(self, answer: Any) -> float:
        raise NotImplementedError

    def rows(self, q: dict[str, Any], answer: Any) -> list[Row]:
        raise NotImplementedError

    # -- results
    def respondents(self, grouped: Grouped) -> int | None:
        """How many answered, from the grouped rows (None: count distinct responses in SQL)."""
        return sum(n for _, _, n in grouped)

    def shape(self, result: Any, grouped: Grouped) -> None:
        """Fill a QuestionResult (distribution, lows, matrix, mean, index, ...) from grouped rows."""

    def wants_texts(self, q: dict[str, Any]) -> bool:
        """Whether results show the newest texts (free text, or reasons given with a rating)."""
        return self.free_text or bool(q.get("reason"))

    def axis(self, q: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
        """Cross-tabs: the answer column ("option" or "value") and its (stored key, label) pairs."""
        raise fail(_("这道题不能用于交叉分析。"))

    def is_low(self, value: float) -> bool:
        return False

    def value_label(self, value: float) -> str:
        return str(int(value))

    # -- exports
    def export_columns(self, q: dict[str, Any]) -> list[tuple[str, str]]:
        """(header, part) per raw-export column: part "" is the answer itself."""
        return [(f"{q['key']} {q['title']}", "")]

    def export_cells(self, q: dict[str, Any], option: str, value: float | None, text: str | None) -> list[tuple[str, str]]:
        """(part, cell text) for one stored answer row; texts are masked by the caller."""
        raise NotImplementedError

    def aggregate_rows(self, result: Any) -> list[list[Any]]:
        """Rows of the aggregate export: key, title, option/value, count, share, mean, index, low, NPS."""
        q, out = result.question, []
        for label, n in result.distribution:
            out.append([q.key, q.title, label, n, percent(n / result.answered) if result.answered else "", *_stats(result)])
        return out


def _stats(result: Any) -> list[Any]:
    return [decimal(result.mean, 2) if result.mean is not None else "", decimal(result.index, 1) if result.index is not None else "",
            percent(result.low_share) if result.low_share is not None else "", decimal(result.nps, 1) if result.nps is not None else ""]
