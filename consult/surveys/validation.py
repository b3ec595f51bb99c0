"""Checking one respondent's answers against a frozen spec: each question's kind reads and checks
its answer; required questions and skip logic (an answer to a question the skip logic hides is
refused) are checked here, every missing answer reported at once. No database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _

from consult.core.web.errors import ServiceError
from consult.surveys import questions
from consult.surveys.questions.base import Row
from consult.surveys.spec import answerable

__all__ = ["AnswerProblems", "Row", "parse_one", "rows", "shown", "validate"]


class AnswerProblems(ServiceError):
    """Answers refused, with a message per question key, so the form shows each one beside its
    question (every missing or wrong answer at once) and the summary above the form."""

    def __init__(self, message: str, problems: dict[str, str]) -> None:
        super().__init__(message, 400)
        self.problems = problems


def parse_one(q: dict[str, Any], form: Mapping[str, Sequence[str]]) -> Any:
    """The answer to one question, or None when it was left empty."""
    return questions.get(q["type"]).read(q, form)


def shown(q: dict[str, Any], answers: Mapping[str, Any], visible: set[str], by_key: Mapping[str, dict[str, Any]]) -> bool:
    cond = q.get("show_if")
    if not cond:
        return True
    if cond["q"] not in visible or answers.get(cond["q"]) is None:
        return False
    target, answer = by_key[cond["q"]], answers[cond["q"]]
    kind = questions.get(target["type"])
    if "any_of" in cond:
        return bool(kind.chosen_labels(target, answer) & set(cond["any_of"]))
    return cond["min"] <= kind.chosen_value(answer) <= cond["max"]


def validate(spec: dict[str, Any], form: Mapping[str, Sequence[str]], *, partial: bool = False) -> dict[str, Any]:
    """Answers by question key, skip logic applied. `partial` (saving progress) skips the required
    check. A wrong answer is refused at once; missing required answers are all named together."""
    items = answerable(spec)
    by_key = {q["key"]: q for q in items}
    answers: dict[str, Any] = {}
    visible: set[str] = set()
    missing: list[str] = []
    problems: dict[str, str] = {}
    missing_keys: set[str] = set()
    for q in items:
        try:
            value = parse_one(q, form)
        except ServiceError as error:
            if partial:
                raise
            if not shown(q, answers, visible, by_key):
                raise
            visible.add(q["key"])
            problems[q["key"]] = error.message  # keep checking: every problem is shown at once
            continue
        if shown(q, answers, visible, by_key):
            visible.add(q["key"])
            if value is None and q["required"] and not partial:
                missing.append(q["title"])
                missing_keys.add(q["key"])
                problems[q["key"]] = _("这是必答题，请回答。")
            if value is not None:
                answers[q["key"]] = value
        elif value is not None and not partial:
            raise ServiceError(_("根据您前面的回答，不需要回答“%(title)s”，请返回修改后再提交。", title=q['title']), 400)
    wrong = [m for k, m in problems.items() if k not in missing_keys]
    if wrong:
        raise AnswerProblems(wrong[0] if len(problems) == 1 else _("有 %(n)s 道题需要修改，请查看标出的题目：%(first)s", n=len(problems), first=wrong[0]), problems)
    if len(missing) == 1:
        raise AnswerProblems(_("请回答必答题“%(title)s”。", title=missing[0]), problems)
    if missing:
        raise AnswerProblems(_("还有 %(n)s 道必答题没有回答：%(titles)s。", n=len(missing), titles="、".join(f"“{t}”" for t in missing)), problems)
    return answers


def rows(spec: dict[str, Any], answers: Mapping[str, Any]) -> list[Row]:
    """The answer rows to store: one per (question, option or matrix row)."""
    out: list[Row] = []
    for q in answerable(spec):
        value = answers.get(q["key"])
        if value is not None:
            out.extend(questions.get(q["type"]).rows(q, value))
    return out
