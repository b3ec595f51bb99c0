"""The registry of survey question kinds: one QuestionType per kind, looked up by its `type`.

A new kind is one module with a QuestionType subclass (and its partial template under
templates/surveys/questions/<name>.html), added to KINDS below; see docs/surveys.md."""

from __future__ import annotations

from flask_babel import gettext as _

from consult.core.web.errors import ServiceError
from consult.surveys.questions.base import QuestionType, Row
from consult.surveys.questions.choice import Multiple, Single
from consult.surveys.questions.matrix import Matrix
from consult.surveys.questions.scales import Nps, Rating, Satisfaction
from consult.surveys.questions.section import Section
from consult.surveys.questions.text import LongText, ShortText

REGISTRY: dict[str, QuestionType] = {}


def register(kind: QuestionType) -> QuestionType:
    if kind.name in REGISTRY:
        raise ValueError(f"question kind {kind.name!r} registered twice")
    REGISTRY[kind.name] = kind
    return kind


# Every kind, in the order the builder shows its buttons.
KINDS: tuple[QuestionType, ...] = (Section(), Single(), Multiple(), Rating(), Satisfaction(), Nps(), Matrix(), ShortText(), LongText())
for _kind in KINDS:
    register(_kind)


def get(name: object) -> QuestionType:
    """The kind named `name`; an unknown one is a clear 400 (a definition or a stored row naming it)."""
    kind = REGISTRY.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ServiceError(_("题型“%(kind)s”不支持，可用：%(kinds)s。", kind=name, kinds="、".join(REGISTRY)), 400)
    return kind


def kinds() -> list[QuestionType]:
    return list(REGISTRY.values())


def names(*, where: str = "") -> tuple[str, ...]:
    """Kind names having the attribute `where` set (e.g. "in_index", "crossable"), or all."""
    return tuple(k.name for k in REGISTRY.values() if not where or getattr(k, where))


__all__ = ["KINDS", "REGISTRY", "QuestionType", "Row", "get", "kinds", "names", "register"]
