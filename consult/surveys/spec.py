"""The question spec of a survey (a JSON document staff write or a builder produces): checking it,
each question's own fields checked by its kind (consult.surveys.questions). No database, no request."""

from __future__ import annotations

import json
import re
from typing import Any

from flask_babel import gettext as _

from consult.core.web.errors import ServiceError
from consult.surveys import questions
from consult.surveys.questions.base import fail as _fail

MAX_QUESTIONS = 100
KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")

EXAMPLE = {
    "questions": [
        {"type": "section", "title": "办事体验"},
        {"key": "done", "type": "single", "title": "您这次要办的事情办成了吗？", "options": ["办成了", "没有办成"]},
        {"key": "why_not", "type": "multiple", "title": "没有办成的原因（可多选）", "options": ["材料不全", "系统故障", "窗口人员推诿", "其他"], "min": 1, "max": 3, "show_if": {"q": "done", "any_of": ["没有办成"]}},
        {"key": "overall", "type": "satisfaction", "title": "您对本次办事服务的总体评价", "reason": True},
        {"key": "speed", "type": "rating", "title": "办理速度（1-5 分）"},
        {"key": "nps", "type": "nps", "title": "您有多大可能向亲友推荐网上办理？", "required": False},
        {"key": "aspects", "type": "matrix", "title": "您是否同意以下说法", "rows": ["一次告知所需材料", "无需重复提交材料"]},
        {"key": "advice", "type": "textarea", "title": "您对改进服务的建议", "required": False},
    ]
}


def parse(raw: str | dict) -> dict[str, Any]:
    """Check a spec and return it normalised (keys filled in, defaults explicit). Raises ServiceError."""
    if isinstance(raw, str):
        if len(raw) > 200_000:
            raise _fail(_("问卷定义过长。"))
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise _fail(_("问卷定义不是有效的 JSON（第 %(line)s 行第 %(col)s 列）。", line=error.lineno, col=error.colno)) from None
    else:
        data = raw
    items = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise _fail(_("问卷定义应包含非空的 questions 列表。"))
    if len(items) > MAX_QUESTIONS:
        raise _fail(_("一份问卷最多 %(n)s 题。", n=MAX_QUESTIONS))
    seen: dict[str, dict] = {}
    out = []
    for n, item in enumerate(items, start=1):
        try:
            question = _item(n, item, seen)
        except ServiceError as error:
            error.item = n - 1  # type: ignore[attr-defined]  # the builder shows the message at that question
            raise
        out.append(question)
    if not seen:
        raise _fail(_("问卷至少需要一道题。"))
    return {"questions": out}


def _item(n: int, item: Any, seen: dict[str, dict]) -> dict[str, Any]:
    """One item of the list checked and normalised; an answered question is added to `seen`."""
    where = _("第 %(n)s 项", n=n)
    if not isinstance(item, dict):
        raise _fail(_("%(where)s：应为对象。", where=where))
    kind = item.get("type")
    try:
        qtype = questions.get(kind)
    except ServiceError as error:
        raise _fail(_("%(where)s：%(message)s", where=where, message=error.message)) from None
    title = item.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > 500:
        raise _fail(_("%(where)s：请填写题目（不超过 500 字）。", where=where))
    question: dict[str, Any] = {"type": kind, "title": title.strip()}
    note = item.get("help")
    if note not in (None, ""):
        if not isinstance(note, str) or len(note) > 1000:
            raise _fail(_("%(where)s：说明应为文字（不超过 1000 字）。", where=where))
        if note.strip():
            question["help"] = note.strip()
    if not qtype.answered:
        return question
    key = item.get("key") or f"q{n}"
    if not isinstance(key, str) or not KEY.match(key) or key in seen:
        raise _fail(_("%(where)s：题目编号“%(key)s”无效或重复（字母开头，字母数字下划线）。", where=where, key=key))
    question["key"] = key
    question["required"] = bool(item.get("required", qtype.default_required))
    question.update(qtype.parse(item, where))
    if item.get("show_if") is not None:
        question["show_if"] = _condition(item["show_if"], seen, where)
    seen[key] = question
    return question


def _condition(cond: Any, seen: dict[str, dict], where: str) -> dict[str, Any]:
    """show_if: {"q": earlier key, "any_of": [option labels]} or {"q": key, "min": n, "max": n}."""
    if not isinstance(cond, dict) or cond.get("q") not in seen:
        raise _fail(_("%(where)s：显示条件应引用前面的题目编号。", where=where))
    target = seen[cond["q"]]
    out: dict[str, Any] = {"q": cond["q"]}
    kind = questions.get(target["type"])
    if "any_of" in cond:
        labels = kind.labels(target)
        values = cond["any_of"]
        if not labels or not isinstance(values, list) or not values or any(v not in labels for v in values):
            raise _fail(_("%(where)s：显示条件中的选项必须是所引用题目的选项。", where=where))
        out["any_of"] = values
    elif "min" in cond or "max" in cond:
        bounds = kind.value_range(target)
        if bounds is None:
            raise _fail(_("%(where)s：按分值显示只适用于评分、满意度或推荐度题。", where=where))
        out["min"], out["max"] = cond.get("min", bounds[0]), cond.get("max", bounds[1])
        if not all(isinstance(out[k], int | float) for k in ("min", "max")):
            raise _fail(_("%(where)s：显示条件的分值应为数字。", where=where))
    else:
        raise _fail(_("%(where)s：显示条件需要 any_of 或 min/max。", where=where))
    return out


def answerable(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for q in spec["questions"] if questions.get(q["type"]).answered]
