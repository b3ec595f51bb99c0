"""A section heading between questions: no key, no answer."""

from __future__ import annotations

from consult.core.web.languages import N_
from consult.surveys.questions.base import QuestionType


class Section(QuestionType):
    name, label = "section", N_("分节标题")
    answered = False
    builder = {"type": "section", "title": "新的一节"}
