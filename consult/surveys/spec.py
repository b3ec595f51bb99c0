"""The question spec of a survey (a JSON document staff write or a builder produces): checking it,
and the scales every question type answers on. No database, no request (messages via gettext)."""

from __future__ import annotations

import json
import re
from typing import Any

from flask_babel import gettext as _

from consult.core.errors import ServiceError

KINDS = ("single", "multiple", "rating", "satisfaction", "nps", "matrix", "text", "textarea", "section")
ANSWERED = tuple(k for k in KINDS if k != "section")
SCALED = ("rating", "satisfaction", "nps")  # one number per answer
# 5 = 非常满意 … 1 = 非常不满意: the value stored is the position on the scale, best high.
SATISFACTION = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"}
LIKERT = ["非常不同意", "不同意", "一般", "同意", "非常同意"]
KIND_LABELS = {
    "single": "单选", "multiple": "多选", "rating": "评分（1-5）", "satisfaction": "满意度",
    "nps": "推荐度（0-10）", "matrix": "矩阵量表", "text": "简答", "textarea": "长文本", "section": "分节标题",
}
MAX_QUESTIONS = 100
MAX_OPTIONS = 30
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


def scale(kind: str) -> tuple[int, int]:
    return (0, 10) if kind == "nps" else (1, 5)


def score_100(kind: str, value: float) -> float:
    """A rating on the 0-100 scale the satisfaction index uses."""
    low, high = scale(kind)
    return (value - low) / (high - low) * 100


def is_low(kind: str, value: float) -> bool:
    """A low rating (opens a service ticket when a reason is given): the bottom quarter of the scale,
    i.e. 1-2 of 5, 不满意/非常不满意, or 0-2 of 10 on NPS."""
    return kind in SCALED and score_100(kind, value) <= 25


def options_of(question: dict[str, Any]) -> list[str]:
    if question["type"] == "satisfaction":
        return [SATISFACTION[v] for v in (5, 4, 3, 2, 1)]
    return list(question.get("options") or [])


def _fail(message: str) -> ServiceError:
    return ServiceError(message, 400)


def _text_list(item: dict, field: str, where: str, *, required: bool) -> list[str]:
    values = item.get(field)
    if values is None and not required:
        return []
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise _fail(_("%(where)s：“%(field)s”应为非空的文字列表。", where=where, field=field))
    values = [v.strip()[:200] for v in values]
    if len(values) > MAX_OPTIONS:
        raise _fail(_("%(where)s：选项不能超过 %(n)s 个。", where=where, n=MAX_OPTIONS))
    if len(set(values)) != len(values):
        raise _fail(_("%(where)s：选项不能重复。", where=where))
    return values


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
        where = _("第 %(n)s 项", n=n)
        if not isinstance(item, dict):
            raise _fail(_("%(where)s：应为对象。", where=where))
        kind = item.get("type")
        if kind not in KINDS:
            raise _fail(_("%(where)s：题型“%(kind)s”不支持，可用：%(kinds)s。", where=where, kind=kind, kinds='、'.join(KINDS)))
        title = item.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 500:
            raise _fail(_("%(where)s：请填写题目（不超过 500 字）。", where=where))
        question: dict[str, Any] = {"type": kind, "title": title.strip()}
        if kind == "section":
            out.append(question)
            continue
        key = item.get("key") or f"q{n}"
        if not isinstance(key, str) or not KEY.match(key) or key in seen:
            raise _fail(_("%(where)s：题目编号“%(key)s”无效或重复（字母开头，字母数字下划线）。", where=where, key=key))
        question["key"] = key
        question["required"] = bool(item.get("required", kind not in ("text", "textarea")))
        if kind in ("single", "multiple"):
            question["options"] = _text_list(item, "options", where, required=True)
        if kind == "multiple":
            count = len(question["options"])
            low, high = item.get("min", 0), item.get("max", count)
            if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= count and high >= 1):
                raise _fail(_("%(where)s：最少/最多选择数应满足 0 ≤ min ≤ max ≤ 选项数。", where=where))
            question["min"], question["max"] = low, high
        if kind == "matrix":
            question["rows"] = _text_list(item, "rows", where, required=True)
            question["columns"] = _text_list(item, "columns", where, required=False) or LIKERT
        if kind in SCALED:
            question["reason"] = bool(item.get("reason", False))
        if "show_if" in item:
            question["show_if"] = _condition(item["show_if"], seen, where)
        seen[key] = question
        out.append(question)
    if not seen:
        raise _fail(_("问卷至少需要一道题。"))
    return {"questions": out}


def _condition(cond: Any, seen: dict[str, dict], where: str) -> dict[str, Any]:
    """show_if: {"q": earlier key, "any_of": [option labels]} or {"q": key, "min": n, "max": n}."""
    if not isinstance(cond, dict) or cond.get("q") not in seen:
        raise _fail(_("%(where)s：显示条件应引用前面的题目编号。", where=where))
    target = seen[cond["q"]]
    out: dict[str, Any] = {"q": cond["q"]}
    if "any_of" in cond:
        labels = options_of(target)
        values = cond["any_of"]
        if target["type"] not in ("single", "multiple", "satisfaction") or not isinstance(values, list) or not values or any(v not in labels for v in values):
            raise _fail(_("%(where)s：显示条件中的选项必须是所引用题目的选项。", where=where))
        out["any_of"] = values
    elif "min" in cond or "max" in cond:
        if target["type"] not in SCALED:
            raise _fail(_("%(where)s：按分值显示只适用于评分、满意度或推荐度题。", where=where))
        low, high = scale(target["type"])
        out["min"], out["max"] = cond.get("min", low), cond.get("max", high)
        if not all(isinstance(out[k], int | float) for k in ("min", "max")):
            raise _fail(_("%(where)s：显示条件的分值应为数字。", where=where))
    else:
        raise _fail(_("%(where)s：显示条件需要 any_of 或 min/max。", where=where))
    return out


def answerable(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for q in spec["questions"] if q["type"] != "section"]
