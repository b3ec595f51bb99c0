"""Cleaning of user text at intake, and the cached segmenter used for search terms."""

from __future__ import annotations

import re
from functools import lru_cache

from flask_babel import gettext as _

from consult.core.web.errors import ServiceError
from worker.analysis.normalise import strip_invisible
from worker.analysis.privacy import mask_text
from worker.analysis.segment import Segmenter

# Code points XML 1.0 cannot carry (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) and
# the other noncharacters: one of them in stored text makes every XLSX/DOCX export of it fail.
_XML_ILLEGAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
    + "]"
)


def strip_xml_illegal(text: str) -> str:
    """``text`` without the code points an XML document (XLSX cell, DOCX paragraph) cannot hold."""
    return _XML_ILLEGAL.sub("", text)


# An HTML tag or a javascript: URL. A lone "<" (收入<3000元) is ordinary text and passes.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]*>|javascript\s*:", re.IGNORECASE)


def clean_text(raw: str | None, *, field: str, max_chars: int, allow_markup: bool = False, key: str | None = None) -> str:
    """Return the text as it will be stored, or raise ServiceError with a message for the user.

    `field` is the label the message names; `key` the form field the message belongs beside."""
    text = strip_xml_illegal(strip_invisible(raw or "")).replace("\r\n", "\n").replace("\r", "\n").strip()
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
    """Space-delimited terms (padded at both ends) so a token matches with LIKE '% term %'.

    Indexed from the masked text: searching for a phone or ID number must not tell anyone which
    comment holds it.
    """
    terms = segmenter().search_terms(mask_text(text))
    return " " + " ".join(dict.fromkeys(terms)) + " " if terms else ""
