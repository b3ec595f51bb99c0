"""Checking one respondent's answers against a frozen spec: types, ranges, required questions and
skip logic (an answer to a question the skip logic hides is refused). No database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from consult.core.errors import ServiceError
from consult.core.text import clean_text
from consult.surveys.spec import SCALED, answerable, options_of, scale

MAX_TEXT = {"text": 200, "textarea": 2000}
MAX_REASON = 1000


@dataclass(frozen=True)
class Row:
    """One answer row: question key, option or matrix row number, numeric value, text."""

    key: str
    option: str = ""
    value: float | None = None
    text: str | None = None


def _first(form: Mapping[str, Sequence[str]], name: str, title: str = "") -> str:
    values = [v for v in form.get(name) or [] if v.strip()]
    if len(values) > 1:  # a tampered form: one answer only, never a silent pick
        raise ServiceError(_("“%(title)s”只能选择一项。", title=title or name), 400)
    return values[0].strip() if values else ""


def _int(raw: str, low: int, high: int, title: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ServiceError(_("“%(title)s”的答案无效。", title=title), 400) from None
    if not low <= value <= high:
        raise ServiceError(_("“%(title)s”的答案超出范围（%(low)s-%(high)s）。", title=title, low=low, high=high), 400)
    return value


def _text(raw: str, limit: int, title: str) -> str:
    if not raw.strip():
        return ""
    return clean_text(raw, field=f"“{title}”", max_chars=limit)


def parse_one(q: dict[str, Any], form: Mapping[str, Sequence[str]]) -> Any:
    """The answer to one question, or None when it was left empty."""
    name, kind, title = f"q_{q['key']}", q["type"], q["title"]
    if kind == "single":
        raw = _first(form, name, title)
        return _int(raw, 1, len(q["options"]), title) if raw else None
    if kind == "multiple":
        raws = [v for v in form.get(name) or [] if v.strip()]
        chosen = sorted({_int(v, 1, len(q["options"]), title) for v in raws})
        if chosen and not q["min"] <= len(chosen) <= q["max"]:
            raise ServiceError(_("“%(title)s”请选择 %(min)s 到 %(max)s 项。", title=title, min=q['min'], max=q['max']), 400)
        return chosen or None
    if kind in SCALED:
        raw = _first(form, name, title)
        if not raw:
            return None
        low, high = scale(kind)
        reason = _text(_first(form, f"{name}_reason"), MAX_REASON, title) if q.get("reason") else ""
        return _int(raw, low, high, title), reason
    if kind == "matrix":
        cells = {}
        for r in range(1, len(q["rows"]) + 1):
            raw = _first(form, f"{name}_{r}", title)
            if raw:
                cells[r] = _int(raw, 1, len(q["columns"]), title)
        # All or nothing, even when optional: the page counts a matrix's respondents by its first row.
        if cells and len(cells) < len(q["rows"]):
            raise ServiceError(_("“%(title)s”请回答每一行。", title=title), 400)
        return cells or None
    text = _text(_first(form, name), MAX_TEXT[kind], title)
    return text or None


def shown(q: dict[str, Any], answers: Mapping[str, Any], visible: set[str]) -> bool:
    cond = q.get("show_if")
    if not cond:
        return True
    if cond["q"] not in visible or answers.get(cond["q"]) is None:
        return False
    target_answer = answers[cond["q"]]
    if "any_of" in cond:
        target = cond["_target"]
        labels = options_of(target)
        if target["type"] == "satisfaction":
            chosen = {labels[5 - target_answer[0]]}
        elif target["type"] == "single":
            chosen = {labels[target_answer - 1]}
        else:
            chosen = {labels[i - 1] for i in target_answer}
        return bool(chosen & set(cond["any_of"]))
    value = target_answer[0]
    return cond["min"] <= value <= cond["max"]


def validate(spec: dict[str, Any], form: Mapping[str, Sequence[str]], *, partial: bool = False) -> dict[str, Any]:
    """Answers by question key, skip logic applied. `partial` (saving progress) skips the required check."""
    questions = answerable(spec)
    by_key = {q["key"]: q for q in questions}
    answers: dict[str, Any] = {}
    visible: set[str] = set()
    for q in questions:
        cond = q.get("show_if")
        if cond:
            cond = {**cond, "_target": by_key[cond["q"]]}
        value = parse_one(q, form)
        if shown({**q, "show_if": cond}, answers, visible):
            visible.add(q["key"])
            if value is None and q["required"] and not partial:
                raise ServiceError(_("请回答必答题“%(title)s”。", title=q['title']), 400)
            if value is not None:
                answers[q["key"]] = value
        elif value is not None and not partial:
            raise ServiceError(_("根据您前面的回答，不需要回答“%(title)s”，请返回修改后再提交。", title=q['title']), 400)
    return answers


def rows(spec: dict[str, Any], answers: Mapping[str, Any]) -> list[Row]:
    """The answer rows to store: one per (question, option or matrix row)."""
    out: list[Row] = []
    for q in answerable(spec):
        value = answers.get(q["key"])
        if value is None:
            continue
        kind, key = q["type"], q["key"]
        if kind == "single":
            out.append(Row(key, option=str(value)))
        elif kind == "multiple":
            out.extend(Row(key, option=str(i)) for i in value)
        elif kind in SCALED:
            out.append(Row(key, value=float(value[0]), text=value[1] or None))
        elif kind == "matrix":
            out.extend(Row(key, option=str(r), value=float(c)) for r, c in sorted(value.items()))
        else:
            out.append(Row(key, text=value))
    return out
