"""Cleaning of user text at intake, and the cached segmenter used for search terms."""

from __future__ import annotations

import re
from functools import lru_cache

from flask_babel import gettext as _

from consult.core.errors import ServiceError
from worker.analysis.normalise import strip_invisible
from worker.analysis.segment import Segmenter

# An HTML tag or a javascript: URL. A lone "<" (收入<3000元) is ordinary text and passes.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]*>|javascript\s*:", re.IGNORECASE)


def clean_text(raw: str | None, *, field: str, max_chars: int, allow_markup: bool = False, key: str | None = None) -> str:
    """Return the text as it will be stored, or raise ServiceError with a message for the user.

    `field` is the label the message names; `key` the form field the message belongs beside."""
    text = strip_invisible(raw or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ServiceError(_("%(field)s不能为空。", field=field), field=key)
    if len(text) > max_chars:
        raise ServiceError(
            _("%(field)s不能超过 %(max)s 字（当前 %(n)s 字）。", field=field, max=max_chars, n=len(text)), field=key
        )
    if not allow_markup and _MARKUP.search(text):
        raise ServiceError(_("%(field)s不能包含 HTML 标签或脚本，请用纯文字表达。", field=field), field=key)
    return text


@lru_cache(maxsize=1)
def segmenter() -> Segmenter:
    return Segmenter()


def search_terms(text: str) -> str:
    """Space-delimited terms (padded at both ends) so a token matches with LIKE '% term %'."""
    terms = segmenter().search_terms(text)
    return " " + " ".join(dict.fromkeys(terms)) + " " if terms else ""
