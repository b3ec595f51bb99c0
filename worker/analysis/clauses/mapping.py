"""Mapping free comments onto the clauses they most likely address."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from .references import ClauseRef, _token_references, find_references, parse_label

EXPLICIT_CONFIDENCE = 0.95
AMBIGUOUS_EXPLICIT_CONFIDENCE = 0.8
MIN_SIMILARITY = 0.08
# Similarity at which the similarity curve reaches ~63 % of its ceiling.
_SIM_SCALE = 0.25
_SIM_CEILING = 0.85


def _tfidf(tokens: Iterable[str], idf: dict[str, float], default_idf: float) -> dict[str, float]:
    counts = Counter(tokens)
    vec = {t: (1.0 + math.log(c)) * idf.get(t, default_idf) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


def _calibrate(best: float, second: float) -> float:
    """Turn a cosine into a 0-1 confidence.

    Monotone in the similarity and reduced when a second clause is nearly as
    similar; the ceiling stays below explicit references. A heuristic scale,
    not a probability.
    """
    strength = _SIM_CEILING * (1.0 - math.exp(-best / _SIM_SCALE))
    margin = (best - second) / best if best > 0 else 0.0
    return round(strength * (0.6 + 0.4 * margin), 4)


def map_to_clauses(
    doc_tokens: Sequence[Sequence[str]],
    clauses: Sequence[Any],
    texts: Sequence[str] | None = None,
    min_similarity: float = MIN_SIMILARITY,
) -> list[tuple[int | None, float]]:
    """Best clause id and confidence for each document.

    `clauses` are objects with `.id`, `.label` ("第三条 ……", "（二）……") and
    `.tokens` (segmented clause text). Tokens on both sides should come from the
    same normaliser (e.g. traditional already converted to simplified).

    An explicit reference to a clause ("第三条", "第3条", "第三條", "（二）")
    in the raw text or the tokens wins with high confidence; if a designation
    fits several clauses (two "（二）" under different headings) similarity
    picks among them at a lower confidence. Otherwise TF-IDF cosine between the
    document and each clause decides; below `min_similarity` the result is
    (None, 0.0).
    """
    if texts is not None and len(texts) != len(doc_tokens):
        raise ValueError("texts must align with doc_tokens")
    if not clauses:
        return [(None, 0.0) for _ in doc_tokens]

    by_ref: dict[ClauseRef, list[int]] = {}
    for idx, c in enumerate(clauses):
        ref = parse_label(str(getattr(c, "label", "") or ""))
        if ref is not None:
            by_ref.setdefault(ref, []).append(idx)

    # IDF over clauses: a word found in every clause says nothing about which one is meant.
    n = len(clauses)
    df: Counter[str] = Counter()
    for c in clauses:
        df.update(set(c.tokens))
    idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}
    # Words no clause uses still dilute the match (an off-topic comment should score low),
    # but only with the weight of a common word.
    default_idf = 1.0
    clause_vecs = [_tfidf(c.tokens, idf, default_idf) for c in clauses]
    postings: dict[str, list[tuple[int, float]]] = {}
    for idx, vec in enumerate(clause_vecs):
        for t, w in vec.items():
            postings.setdefault(t, []).append((idx, w))

    results: list[tuple[int | None, float]] = []
    for d, tokens in enumerate(doc_tokens):
        scores: dict[int, float] = {}
        for t, w in _tfidf(tokens, idf, default_idf).items():
            for idx, cw in postings.get(t, ()):
                scores[idx] = scores.get(idx, 0.0) + w * cw

        refs = find_references(texts[d]) if texts is not None else []
        if not refs:
            refs = _token_references(tokens)
        candidates: Counter[int] = Counter()
        for ref in refs:
            for idx in by_ref.get(ref, ()):
                candidates[idx] += 1
        if candidates:
            top = max(candidates.values())
            tied = [i for i, k in candidates.items() if k == top]
            best_idx = max(tied, key=lambda i: (scores.get(i, 0.0), -i))
            unique = (
                len(tied) == 1 and len(by_ref.get(parse_label(clauses[best_idx].label), [])) == 1
            )
            conf = EXPLICIT_CONFIDENCE if unique else AMBIGUOUS_EXPLICIT_CONFIDENCE
            results.append((clauses[best_idx].id, conf))
            continue

        if not scores:
            results.append((None, 0.0))
            continue
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        best_idx, best = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if best < min_similarity:
            results.append((None, 0.0))
        else:
            results.append((clauses[best_idx].id, _calibrate(best, second)))
    return results
