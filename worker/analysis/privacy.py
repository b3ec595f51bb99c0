"""Finding and masking personal data in citizen text: phones, ID numbers, bank cards, passports, e-mail.

Matching runs on an NFKC-folded copy (full-width ``１３８…`` and ``＠`` match like ASCII), but the
result is the *original* text with only each number replaced: every folded character remembers
which original character it came from, so a match maps back to an exact original span.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_SEP = r"[ \-\u2010-\u2015]?"

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
# 18-digit resident ID: 6-digit region, birth date 18xx-20xx, 3-digit sequence, check digit or X,
# possibly written in groups (110101 19900307 1234). The 15-digit form has a 2-digit year. The date
# check keeps long amounts and serial numbers unmasked.
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID18_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}" + _SEP + r"(?:18|19|20)\d{2}" + _DATE + _SEP + r"\d{3}[\dXx](?![0-9A-Za-z])"
)
_ID15_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}" + _SEP + r"\d{2}" + _DATE + _SEP + r"\d{3}(?![0-9A-Za-z])")
# Bank cards: 16-19 digits starting 3-6 (UnionPay 62…, Visa 4…, Mastercard 5…, Amex/JCB 3…),
# unbroken or in groups of four. Amounts that long are not written in consultations.
_CARD_RE = re.compile(
    r"(?<![0-9A-Za-z])[3-6]\d{3}(?:" + _SEP + r"\d{4}){3}(?:" + _SEP + r"\d{1,3})?(?![0-9A-Za-z])"
)
# Chinese passports: E/G + 8 digits, E + letter + 7 digits; diplomatic/service/official DE/SE/PE.
_PASSPORT_RE = re.compile(r"(?<![0-9A-Za-z])(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[DSP]E\d{7})(?![0-9A-Za-z])", re.IGNORECASE)
_MOBILE_RE = re.compile(
    r"(?<![0-9])((?:(?:\+|00)?86" + _SEP + r")?)(1[3-9]\d)" + _SEP + r"(\d{4})" + _SEP + r"(\d{4})(?![0-9])"
)
# Landline: area code 0xx or 0xxx, written with a separator or in brackets, then 7-8 digits;
# unseparated 0-prefixed runs are accepted only at 11-12 digits.
_LANDLINE_RE = re.compile(
    r"(?<![0-9])(\(0\d{2,3}\)|0\d{2,3}[ \-])\s?(\d{3,4})[ \-]?(\d{4})(?:(?:转|-|ext\.?)\d{1,5})?(?![0-9])"
    r"|(?<![0-9.])(0[1-9]\d{1,2})(\d{3,4})(\d{4})(?![0-9.])"
)


def _keep_ends(m: re.Match[str]) -> str:
    digits = re.sub(r"[ \-\u2010-\u2015]", "", m.group(0))
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _mask_card(m: re.Match[str]) -> str:
    digits = re.sub(r"[ \-\u2010-\u2015]", "", m.group(0))
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def _mask_passport(m: re.Match[str]) -> str:
    whole = m.group(0)
    return whole[0] + "*" * (len(whole) - 4) + whole[-3:]


def _mask_email(m: re.Match[str]) -> str:
    return f"{m.group(1)}***@{m.group(2)}"


def _mask_mobile(m: re.Match[str]) -> str:
    return f"{m.group(1)}{m.group(2)}****{m.group(4)}"


def _mask_landline(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return f"{m.group(1)}****{m.group(3)}"
    # An 11-digit run starting with 0 is more often a landline than anything else; the area
    # code stays readable so the office still knows the city.
    return f"{m.group(4)}-****{m.group(6)}"


# Order matters: an earlier kind claims its span and later kinds skip anything overlapping it
# (an ID number contains what looks like a mobile number).
_RULES: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    ("email", _EMAIL_RE, _mask_email),
    ("id", _ID18_RE, _keep_ends),
    ("id", _ID15_RE, _keep_ends),
    ("card", _CARD_RE, _mask_card),
    ("passport", _PASSPORT_RE, _mask_passport),
    ("mobile", _MOBILE_RE, _mask_mobile),
    ("landline", _LANDLINE_RE, _mask_landline),
)


def _fold(text: str) -> tuple[str, list[int]]:
    """The NFKC-folded text and, for each folded character, the index of its original character."""
    if text.isascii():
        return text, list(range(len(text)))
    parts: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = ch if ch.isascii() else unicodedata.normalize("NFKC", ch)
        parts.append(folded)
        origin.extend([i] * len(folded))
    return "".join(parts), origin


def _might_hold_personal(text: str) -> bool:
    # isdigit() is also True for full-width and other Unicode digits; ＠ and ﹫ fold to @.
    return any(c.isdigit() for c in text) or "@" in text or "＠" in text or "﹫" in text


def find_personal(text: str) -> list[tuple[int, int, str, str]]:
    """Spans of personal data in ``text`` as ``(start, end, kind, masked)``, in original positions."""
    if not text or not _might_hold_personal(text):
        return []
    folded, origin = _fold(text)
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, int, str, str]] = []
    for kind, pattern, mask in _RULES:
        for m in pattern.finditer(folded):
            start, end = m.span()
            if start == end or any(start < e and s < end for s, e in claimed):
                continue
            claimed.append((start, end))
            found.append((origin[start], origin[end - 1] + 1, kind, mask(m)))
    return sorted(found)


def mask_text(text: str) -> str:
    """``text`` with every phone, ID, bank-card, passport number and e-mail address masked.

    ``13812341234`` and ``１３８１２３４１２３４`` → ``138****1234``; ``zhang.san@example.com`` →
    ``z***@example.com``; ``110101 19900307 1234`` → ``110***********1234``;
    ``6222021234567890123`` → ``6222***********0123``; ``E12345678`` → ``E*****678``. Everything
    around a number stays exactly as written; years, amounts and article numbers are left alone.
    """
    spans = find_personal(text)
    if not spans:
        return text
    out: list[str] = []
    at = 0
    for start, end, _kind, masked in spans:
        if start < at:  # two folded spans from one original character: the first one wins
            continue
        out.append(text[at:start])
        out.append(masked)
        at = end
    out.append(text[at:])
    return "".join(out)
