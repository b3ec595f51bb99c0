"""``stances_of``: ``stance_model.stance_of`` of a whole corpus at once, the same calls.

One text at a time, the stance step ran a dozen regexes and built a feature list in Python per
comment (~0.1 ms each, 6 s per 100,000 comments). Here the normalised distinct texts are joined
by ``_SEP`` and every pattern of ``stance.scan_cues``, ``stance.analyse_normalised`` and
``stance_model._features`` runs once over the whole; its matches are binned per text with numpy,
and the rules' scores and the model's features are columns. No pattern can match across
``_SEP`` (a control character: never in normalised text, nor in any pattern) and the one
lookbehind, ``(?<!不)``, sees ``_SEP`` where a single text has its start, so the matches are
those of the text-by-text scan. Every feature value is the same float as ``_features`` gives:
logarithms come from ``math`` through lookup tables and the rest is the same IEEE arithmetic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from .normalise import normalise
from .stance import _CUE_KIND, _CUE_RE, _GRIEVANCE, NEGATORS, NOT_NEGATORS, Stance
from .stance_model import _FORM_RE, _HEAD, KINDS, _model

_SEP = "\x00"
_QUESTION_RUNS = re.compile(r"\?+")
_KIND = {k: i for i, k in enumerate(KINDS)}
_SUPPORT, _OPPOSE, _POLITE = _KIND["support"], _KIND["oppose"], _KIND["polite"]
# Rules' scores in ``stance._TIE_ORDER`` (oppose, support, suggestion, question), per cue kind:
# sums of halves and small integers, exact in any order.
_SCORE = np.zeros((len(KINDS), 4))
for _k, (_col, _w) in {"oppose": (0, 2.0), "grievance": (0, 2.0), "support": (1, 1.5),
                       "suggestion": (2, 1.0), "question": (3, 1.0)}.items():  # fmt: skip
    _SCORE[_KIND[_k], _col] = _w
_SCORE[_POLITE, 2] = _SCORE[_POLITE, 3] = 0.5
_RULE_STANCE = (Stance.OPPOSE, Stance.SUPPORT, Stance.SUGGESTION, Stance.QUESTION)


def stances_of(texts: Sequence[str], threshold: float | None = None, model: dict[str, Any] | None = None) -> list[Stance]:
    """``stance_model.stance_of`` of every text (module docstring): identical texts decided once,
    the model's logits for all judged texts with numpy, summed feature by feature in the order of
    ``stance_model._probabilities`` (so the same floats; softmax per row in Python)."""
    model = model or _model()
    cut = model["threshold"] if threshold is None else threshold
    distinct = list(dict.fromkeys(texts))
    norms = [normalise(t) for t in distinct]
    joined, starts = _joined(norms)
    doc, kind, at = _cues(joined, starts)
    scores = np.zeros((len(norms), 4))
    np.add.at(scores, doc, _SCORE[kind])
    questions = _counts(_QUESTION_RUNS, joined, starts)
    scores[:, 3] += np.minimum(questions, 3)
    forms = {k: _counts(r, joined, starts) for k, r in _FORM_RE.items()}
    complaint = (forms["persistence"] > 0) | (forms["intensity"] > 0) | (forms["harm"] > 0)
    top = scores.max(axis=1)
    rule = np.where(top > 0, scores.argmax(axis=1), -1)  # argmax: the first of a tie, as the rules
    calls: list[Stance] = [Stance.NEUTRAL] * len(norms)
    for d in np.flatnonzero(rule == 1).tolist():
        calls[d] = Stance.SUPPORT
    judged = np.flatnonzero((rule != 1) & ((rule >= 0) | complaint))
    if len(judged):
        x = _features(norms, judged, doc, kind, at, forms)
        w = np.asarray(model["coef"], dtype=np.float64)
        acc = np.zeros((len(judged), w.shape[0]))
        for j in range(x.shape[1]):  # left to right, as sum() over the features does
            acc += x[:, j : j + 1] * w[:, j]
        logits = (np.asarray(model["intercept"], dtype=np.float64) + acc).tolist()
        classes = model["classes"]
        for d, row in zip(judged.tolist(), logits, strict=True):
            high = max(row)
            exp = {c: math.exp(v - high) for c, v in zip(classes, row, strict=True)}
            total = sum(exp.values())
            probs = {c: v / total for c, v in exp.items()}
            best = max(probs, key=lambda c: probs[c])
            calls[d] = Stance(best) if probs[best] >= cut else Stance.NEUTRAL
    by_text = dict(zip(distinct, calls, strict=True))
    return [by_text[t] for t in texts]


def _joined(texts: list[str]) -> tuple[str, np.ndarray]:
    """The texts joined by ``_SEP`` and where each starts."""
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    return _SEP.join(texts), np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)


def _text_of(starts: np.ndarray, positions: list[int]) -> np.ndarray:
    return np.searchsorted(starts, np.asarray(positions, dtype=np.int64), side="right") - 1


def _counts(pattern: re.Pattern[str], joined: str, starts: np.ndarray) -> np.ndarray:
    """Matches of ``pattern`` in each joined text (``len(pattern.findall(text))``)."""
    at = [m.start() for m in pattern.finditer(joined)]
    return np.bincount(_text_of(starts, at), minlength=len(starts)) if at else np.zeros(len(starts), np.int64)


def _negated(before: str) -> bool:
    """``stance._negated`` of the three characters before a cue."""
    return not any(n in before for n in NOT_NEGATORS) and any(n in before for n in NEGATORS)


def _cues(joined: str, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Text, kind (index in ``KINDS``) and start within its text of every cue ``scan_cues`` finds,
    in order (negation applied: it needs only the three characters before a support cue or 反对)."""
    found = [(m.start(), m.group(0)) for m in _CUE_RE.finditer(joined)]
    pos = [a for a, _c in found]
    doc = _text_of(starts, pos)
    begin = starts[doc].tolist()
    kinds = []
    for (a, cue), b in zip(found, begin, strict=True):
        k = _KIND["grievance"] if cue in _GRIEVANCE else _KIND[_CUE_KIND[cue]]
        if k == _SUPPORT and _negated(joined[max(b, a - 3) : a]):
            k = _OPPOSE
        elif k == _OPPOSE and cue == "反对" and _negated(joined[max(b, a - 3) : a]):
            k = _SUPPORT
        kinds.append(k)
    return doc, np.asarray(kinds, dtype=np.int64), np.asarray(pos, dtype=np.int64) - np.asarray(begin, dtype=np.int64)


def _features(norms: list[str], judged: np.ndarray, doc: np.ndarray, kind: np.ndarray, at: np.ndarray,
              forms: dict[str, np.ndarray]) -> np.ndarray:
    """``stance_model._features`` of the judged texts, one row each."""
    n, nk = len(judged), len(KINDS)
    row_of = np.full(len(norms), -1, dtype=np.int64)
    row_of[judged] = np.arange(n)
    chosen = [norms[d] for d in judged.tolist()]
    heads = [_HEAD.match(t.lstrip()) for t in chosen]
    head_end = np.asarray([(len(t) - len(t.lstrip())) + (h.end() if h else 0) for t, h in zip(chosen, heads, strict=True)],
                          dtype=np.int64)
    keep = row_of[doc] >= 0
    r, k, a = row_of[doc[keep]], kind[keep], at[keep]
    counts = np.bincount(r * nk + k, minlength=n * nk).reshape(n, nk)
    in_head = np.bincount((r * nk + k)[a < head_end[r]], minlength=n * nk).reshape(n, nk) > 0
    # Cues are in text order: a text's first and last cue bound its run in r.
    first = np.full((n, nk), 0.0)
    last = np.full((n, nk), 0.0)
    if len(r):
        cut = np.flatnonzero(np.diff(r)) + 1
        lo, hi = np.concatenate([[0], cut]), np.concatenate([cut, [len(r)]]) - 1
        first[r[lo], k[lo]] = 1.0
        last[r[hi], k[hi]] = 1.0
    log1p = np.asarray([math.log1p(c) for c in range(int(counts.max(initial=0)) + 1)])
    lengths = np.asarray([len(t) for t in chosen], dtype=np.int64)
    per100 = 100 / np.maximum(lengths, 50)
    form_cols = [np.minimum(forms[f][judged] * per100, 5) / 5 for f in _FORM_RE]
    head_texts = [t[:e] for t, e in zip(chosen, head_end.tolist(), strict=True)]
    joined_heads, head_starts = _joined(head_texts)  # ``search(norm[:head_end])``: any match in the head
    head_cols = [(_counts(p, joined_heads, head_starts) > 0).astype(np.float64) for p in _FORM_RE.values()]
    # ``_features``'s sentence split finds a non-blank piece exactly when some character is neither
    # a sentence end nor a space (normalised text holds no other whitespace).
    length = [math.log1p(len(t)) / 7 if t.strip("。!?; ") else 0.0 for t in chosen]
    tail = [
        np.asarray([min(t.count("?"), 3) / 3 for t in chosen]),
        np.asarray([float(h is not None and h.group(0).endswith("?")) for h in heads]),
        np.asarray([float(t.rstrip().endswith("?")) for t in chosen]),
        np.asarray([min(t.count("!"), 3) / 3 for t in chosen]),
        np.asarray(length, dtype=np.float64),
    ]
    return np.column_stack([log1p[counts], in_head.astype(np.float64), first, last, *form_cols, *head_cols, *tail])
