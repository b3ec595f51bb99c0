"""Readable extracts of a group: a one-sentence summary and short quotes.

Both are extractive (a sentence a citizen wrote, never generated text):

* ``sentences`` cuts a comment at 。！？；!?; and line breaks; a sentence longer than the
  limit is cut at its last comma (，、,：) that fits, else hard, and marked with "…".
* A sentence's score is the sum of the group's term scores (c-TF-IDF of its distinctive
  words) over the terms it contains, found on the normalised text (so traditional
  characters and full-width forms match). Salutations and sign-offs ("尊敬的领导：",
  "谢谢！") contain no group term and score 0.
* ``summary_of``: the best sentence (<= 60 characters) among the group's most central
  comments, with a small bonus for centrality (rank r weighs 1 / (1 + 0.1 r)).
* ``quotes_of``: for each representative comment, its best sentence (<= 80 characters).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .normalise import normalise
from .phrasing import strip_preamble

SUMMARY_MAX = 60
QUOTE_MAX = 80
MIN_SENTENCE = 6
_SPLIT = re.compile(r"(?<=[。！？；!?;])|\n+")
_SOFT = "，、,：:"


def _fit(sentence: str, limit: int) -> str:
    if len(sentence) <= limit:
        return sentence
    cut = max(sentence.rfind(c, 0, limit) for c in _SOFT)
    head = sentence[:cut] if cut >= MIN_SENTENCE else sentence[: limit - 1]
    return head.rstrip(_SOFT) + "…"


def sentences(text: str, limit: int = SUMMARY_MAX) -> list[str]:
    """The sentences of ``text``, each at most ``limit`` characters (see module doc)."""
    out = []
    for part in _SPLIT.split(text or ""):
        part = strip_preamble(part.strip()).strip(_SOFT)
        if len(part) >= MIN_SENTENCE or (part and not out):
            out.append(_fit(part, limit))
    return out


def sentence_score(sentence: str, term_scores: Mapping[str, float]) -> float:
    """Sum of the scores of the group terms found in ``sentence``."""
    norm = normalise(sentence)
    return sum(s for t, s in term_scores.items() if t in norm)


def _best(text: str, term_scores: Mapping[str, float], limit: int) -> tuple[float, str]:
    best = (-1.0, "")
    for s in sentences(text, limit):
        # The longer sentence loses ties only when it adds nothing.
        score = sentence_score(s, term_scores)
        if score > best[0] + 1e-9:
            best = (score, s)
    return best


def summary_of(central_texts: Sequence[str], term_scores: Mapping[str, float]) -> str:
    """The most central sentence (<= 60 characters) of the group's central comments."""
    best = (-1.0, "")
    for rank, text in enumerate(central_texts[:50]):
        score, s = _best(text, term_scores, SUMMARY_MAX)
        score /= 1.0 + 0.1 * rank
        if s and score > best[0] + 1e-9:
            best = (score, s)
    return best[1]


def quotes_of(
    texts: Sequence[str], term_scores: Mapping[str, float], limit: int = QUOTE_MAX
) -> list[tuple[int, str]]:
    """(index into ``texts``, quote) for every text with a non-empty sentence."""
    out = []
    for k, text in enumerate(texts):
        _, s = _best(text, term_scores, limit)
        if s:
            out.append((k, s))
    return out
