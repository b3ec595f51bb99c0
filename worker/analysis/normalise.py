"""Text normalisation for analysis and masking of personal data.

``normalise`` builds the *analysis copy* of a comment (never shown to users);
``strip_invisible`` only removes characters nobody can see, for cleaning stored text;
``to_simplified`` converts traditional to simplified Chinese; ``canonical_text`` is the
analysis copy in one spelling whether the comment was typed in simplified or traditional
characters (the features clustering sees); ``mask_personal`` hides
phone, ID, bank-card and passport numbers and e-mail addresses before text goes into digests or exports.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

from .privacy import mask_text

# Format characters (category Cf: zero-width space/joiners, BOM, soft hyphen, bidi
# controls, word joiner ...) are invisible yet break tokenisation and duplicate detection.
# U+180E (Mongolian vowel separator) used to be whitespace and is also used for evasion.
_INVISIBLE_EXTRA = {"\u180e", "\u115f", "\u1160", "\u3164", "\uffa0"}
_KEEP_CONTROLS = {"\n", "\t"}


def _is_invisible(ch: str) -> bool:
    cat = unicodedata.category(ch)
    # Lone surrogates (Cs) cannot even be encoded as UTF-8.
    if cat in ("Cf", "Cs") or ch in _INVISIBLE_EXTRA:
        return True
    return cat == "Cc" and ch not in _KEEP_CONTROLS


# Every Cf and Cs (lone surrogate) character, the extra blanks above, and Cc except \n and \t, as ranges
# (generated from unicodedata; test_analysis_normalise checks it is still complete).
_INVISIBLE_CLASS = (
    "\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f"
    "\u0890-\u0891\u08e2\u115f-\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\u3164\ud800-\udfff\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)

_INVISIBLE_RE = re.compile(f"[{_INVISIBLE_CLASS}]+")

_converter: Any = None
_to_traditional: Any = None
_converter_lock = threading.Lock()


def _opencc() -> Any:
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter


def _s2t() -> Any:
    global _to_traditional
    if _to_traditional is None:
        with _converter_lock:
            if _to_traditional is None:
                import opencc

                _to_traditional = opencc.OpenCC("s2t")
    return _to_traditional


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@cache
def _triggers() -> tuple[re.Pattern[str], frozenset[str], re.Pattern[str], dict[str, tuple[tuple[int, str], ...]]]:
    # resources/canonical_triggers.txt (benchmarks/canonical_tables.py derives it from OpenCC's
    # dictionaries): line 1 the characters t2s or the s2t→t2s round trip changes, then the
    # strings of other characters the round trip or t2s changes. A character class of BMP
    # characters is a bitmap test in re; one holding astral characters is a slow range scan,
    # so those few are a set tested only on texts that hold an astral character.
    lines = resources.files(__package__).joinpath("resources", "canonical_triggers.txt").read_text("utf-8").splitlines()
    body = [line for line in lines if not line.startswith("#")]
    by_anchor: dict[str, list[tuple[int, str]]] = {}
    for row in body[1:]:
        if row:
            t, k = row.split("\t")
            by_anchor.setdefault(t[int(k)], []).append((int(k), t))
    anchors = {a: tuple(v) for a, v in by_anchor.items()}
    bmp = "".join(c for c in body[0] if c <= "\uffff")
    astral = frozenset(c for c in body[0] if c > "\uffff")
    return re.compile(f"[{re.escape(bmp)}]"), astral, re.compile(f"[{re.escape(''.join(anchors))}]"), anchors


def needs_conversion(text: str) -> bool:
    """Whether OpenCC ``t2s`` or the s2t→t2s round trip could change ``text``.

    False for most comments (489 of the shared data set's 17,123 texts hold a trigger): then
    both are the identity and are skipped.
    """
    chars, astral, anchor, strings = _triggers()
    if chars.search(text) is not None:
        return True
    if _ASTRAL.search(text) is not None and not astral.isdisjoint(text):
        return True
    for m in anchor.finditer(text):
        i = m.start()
        for k, t in strings[m.group()]:
            if k <= i and text.startswith(t, i - k):
                return True
    return False


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters to simplified (OpenCC ``t2s``)."""
    if not text or text.isascii() or not needs_conversion(text):
        return text
    return _opencc().convert(text)


def strip_invisible(text: str) -> str:
    """Remove zero-width, format and control characters; keep ``\\n`` and ``\\t``.

    ``\\r\\n`` and lone ``\\r`` become ``\\n`` so stored text has one line-ending style.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE_RE.sub("", text)


# Full-width punctuation and the ideographic space are usually all that stops Chinese
# text being NFKC already; replacing these few first (str.replace is ~20x faster than
# NFKC or translate) lets most texts skip the full normalisation.
_COMMON_FULL_WIDTH = [(ch, unicodedata.normalize("NFKC", ch)) for ch in "，！？：；（）％\u3000"]


def _normalise_once(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        for ch, half in _COMMON_FULL_WIDTH:
            if ch in text:
                text = text.replace(ch, half)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    # isprintable() is a fast C scan that is False whenever a control or format
    # character (or any whitespace but " ") is present; only then run the regex. The
    # Hangul fillers in _INVISIBLE_EXTRA count as printable, so they are checked apart.
    if not text.isprintable() or any(ch in text for ch in _INVISIBLE_EXTRA):
        text = _INVISIBLE_RE.sub("", text)
    text = to_simplified(text).lower()
    # str.split() splits on exactly the characters re's \s matches and drops the ends.
    return " ".join(text.split())


def normalise(text: str) -> str:
    """Return the analysis copy of ``text``.

    NFKC (full-width letters, digits and punctuation become half-width), invisible and
    control characters removed, traditional converted to simplified, lower case, every
    whitespace run collapsed to one space. Idempotent: ``normalise(normalise(t)) ==
    normalise(t)``.
    """
    once = _normalise_once(text)
    # OpenCC or lower() can, rarely, produce characters that NFKC maps again; only then
    # is a second pass needed to reach a fixed point.
    if unicodedata.is_normalized("NFKC", once):
        return once
    return normalise(once)


def canonical_text(text: str) -> str:
    """``normalise`` after a round trip through traditional characters (OpenCC ``s2t``).

    ``t2s`` alone keeps variants that are valid simplified words: "想象" typed in
    traditional (想像) came back as 想像, 家具 as 家俱, so the same comment gave other
    tokens, and then other themes, in either script. Writing every text in traditional
    first sends both scripts through the same ``t2s`` input, so they segment alike
    (54 of the 4,651 dev messages differed before, 1 after: see docs/clustering.md).
    For features only: what users see keeps the text as it was written.
    """
    if not text or text.isascii() or not needs_conversion(text):
        # No character or string the round trip changes: it is the identity (and so is t2s).
        return normalise(text)
    return normalise(_s2t().convert(text))


# --- personal data -------------------------------------------------------------------


def mask_personal(text: str) -> str:
    """Mask phone, resident ID, bank-card and passport numbers and e-mail addresses.

    ``13812341234`` → ``138****1234``; ``zhang.san@example.com`` → ``z***@example.com``;
    ``110101199003071234`` → ``110***********1234``; ``010-12345678`` → ``010-****5678``.
    Matching is done after NFKC (full-width digits count); see ``worker.analysis.privacy``.
    Years, amounts, article numbers and other ordinary numbers are left alone.
    """
    return mask_text(text)
