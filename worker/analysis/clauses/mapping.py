"""Mapping free comments onto the clauses they most likely address.

Order of evidence, strongest first:

1. A **hierarchical reference** ("第二部分（三）第3条", "第三章第十二条", "二（一）2"):
   the chain of designations must embed, outermost first, in the clause's path from the
   root (its ancestors' numbers, then its own), ending at the clause itself; among
   several fits the one skipping the fewest levels wins. One clause fits:
   ``EXPLICIT_CONFIDENCE``; several: similarity picks at
   ``AMBIGUOUS_EXPLICIT_CONFIDENCE``; none, but a clause fits the chain without its last
   element (the cited item does not exist): that parent at ``PARENT_CONFIDENCE``.
2. A **single reference** ("第三条", "（二）"), as before.
3. **TF-IDF cosine** between the comment and each clause, calibrated to at most 0.85 and
   lowered when a second clause is nearly as similar.

Confidences are heuristic scales, not probabilities; ``results.CLAUSE_CONFIDENCE_MIN``
(0.5) is the documented level under which a link is not shown under its clause (see
docs/clustering.md for the measured accuracy on each side of it).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .references import (
    _ANCHORS,
    ClauseRef,
    _token_references,
    compatible,
    find_reference_chains,
    find_references,
    parse_label,
)
from .structure import _LEGAL_KIND

EXPLICIT_CONFIDENCE = 0.95
AMBIGUOUS_EXPLICIT_CONFIDENCE = 0.8
PARENT_CONFIDENCE = 0.7
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


def clause_paths(clauses: Sequence[Any]) -> list[list[ClauseRef | None]]:
    """Designations from the root down to each clause (None for an unnumbered one).

    The hierarchy comes from ``.key`` ("2.1.3": parent "2.1") when the clauses have
    keys, else from ``.level`` in document order, else each clause stands alone.
    """
    own = [parse_label(str(getattr(c, "label", "") or "")) for c in clauses]
    keys = [str(getattr(c, "key", "") or "") for c in clauses]
    if all(keys) and len(set(keys)) == len(keys):
        index = {k: i for i, k in enumerate(keys)}
        paths = []
        for i, k in enumerate(keys):
            parts = k.split(".")
            chain = [index.get(".".join(parts[:j])) for j in range(1, len(parts))]
            paths.append([own[a] for a in chain if a is not None] + [own[i]])
        return paths
    levels = [getattr(c, "level", None) for c in clauses]
    if all(isinstance(x, int) for x in levels):
        stack: list[tuple[int, ClauseRef | None]] = []
        paths = []
        for ref, level in zip(own, levels, strict=True):
            while stack and stack[-1][0] >= level:
                stack.pop()
            paths.append([r for _, r in stack] + [ref])
            stack.append((level, ref))
        return paths
    return [[r] for r in own]


def _embeds(chain: Sequence[ClauseRef], path: Sequence[ClauseRef | None]) -> bool:
    """True when ``chain`` fits ``path`` in order and its last element is the clause."""
    if not chain or path[-1] is None or not compatible(chain[-1], path[-1]):
        return False
    j = len(path) - 2
    for ref in reversed(chain[:-1]):
        while j >= 0 and not (path[j] is not None and compatible(ref, path[j])):
            j -= 1
        if j < 0:
            return False
        j -= 1
    return True


def resolve_chain(
    chain: Sequence[ClauseRef], paths: Sequence[Sequence[ClauseRef | None]]
) -> tuple[list[int], float]:
    """Clause indices fitting a hierarchical reference, and the confidence they earn."""
    fits = [i for i, p in enumerate(paths) if _embeds(chain, p)]
    if len(fits) > 1:
        # The reading that skips the fewest levels wins: "第二部分（三）" is the (三) under
        # 二, not the "三是" inside 二（一）.
        skipped = {i: sum(r is not None for r in paths[i]) - len(chain) for i in fits}
        least = min(skipped.values())
        fits = [i for i in fits if skipped[i] == least]
    if fits:
        return fits, EXPLICIT_CONFIDENCE if len(fits) == 1 else AMBIGUOUS_EXPLICIT_CONFIDENCE
    if len(chain) >= 2:
        parent = [i for i, p in enumerate(paths) if _embeds(chain[:-1], p)]
        if len(parent) == 1:
            return parent, PARENT_CONFIDENCE
    return [], 0.0


class _Index:
    """Clause designations, paths and TF-IDF postings, built once per call."""

    def __init__(self, clauses: Sequence[Any]) -> None:
        self.clauses = clauses
        self.by_ref: dict[ClauseRef, list[int]] = {}
        for idx, c in enumerate(clauses):
            ref = parse_label(str(getattr(c, "label", "") or ""))
            if ref is not None:
                self.by_ref.setdefault(ref, []).append(idx)
        self.paths = clause_paths(clauses)
        # IDF over clauses: a word found in every clause says nothing about which is meant.
        n = len(clauses)
        df: Counter[str] = Counter()
        for c in clauses:
            df.update(set(c.tokens))
        self.idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}
        # Words no clause uses still dilute the match (an off-topic comment should score
        # low), but only with the weight of a common word.
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for idx, c in enumerate(clauses):
            for t, w in _tfidf(c.tokens, self.idf, 1.0).items():
                self.postings.setdefault(t, []).append((idx, w))

    def scores(self, tokens: Sequence[str]) -> dict[int, float]:
        scores: dict[int, float] = {}
        for t, w in _tfidf(tokens, self.idf, 1.0).items():
            for idx, cw in self.postings.get(t, ()):
                scores[idx] = scores.get(idx, 0.0) + w * cw
        return scores

    def score_matrix(self, doc_tokens: Sequence[Sequence[str]], coded: _Coded | None = None) -> np.ndarray:
        """``scores`` of every document as a (documents × clauses) array, 0.0 where a clause
        shares no word: the same floats, summed in the same order (the documents' distinct
        tokens in order of first occurrence, as ``Counter`` keeps them), a column of tokens at
        a time instead of a Python loop per document."""
        n, m = len(doc_tokens), len(self.clauses)
        out = np.zeros((n, m))
        words, ids, doc = coded or _code(doc_tokens)
        if not ids.size:
            return out
        _, first, counts = np.unique(doc * len(words) + ids, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")  # (document, token) pairs by first occurrence
        first, counts = first[order], counts[order]
        pdoc, ptok = doc[first], ids[first]
        idf = np.asarray([self.idf.get(t, 1.0) for t in words])
        log = np.asarray([1.0 + math.log(c) for c in range(1, int(counts.max()) + 1)])
        v = log[counts - 1] * idf[ptok]
        rank = np.arange(len(pdoc)) - np.searchsorted(pdoc, pdoc)  # position among its document's tokens
        norm = np.zeros(n)
        for sel in _by_rank(rank):  # left to right per document, as sum() does
            norm[pdoc[sel]] += v[sel] * v[sel]
        w = v / np.sqrt(norm)[pdoc]
        posting = np.zeros((len(words), m))
        known = np.asarray([t in self.postings for t in words], dtype=bool)
        for k in np.flatnonzero(known).tolist():
            for idx, cw in self.postings[words[k]]:
                posting[k, idx] = cw
        keep = known[ptok]
        pdoc, ptok, w = pdoc[keep], ptok[keep], w[keep]
        rank = np.arange(len(pdoc)) - np.searchsorted(pdoc, pdoc)
        for sel in _by_rank(rank):
            out[pdoc[sel]] += w[sel, None] * posting[ptok[sel]]
        return out

    def explicit(
        self, text: str | None, tokens: Sequence[str], scores: Any
    ) -> tuple[int, float] | None:
        """(clause index, confidence) from a cited designation, or None."""
        for chain in find_reference_chains(text or ""):
            fits, conf = resolve_chain(chain, self.paths)
            if fits:
                return max(fits, key=lambda i: (scores.get(i, 0.0), -i)), conf
        refs = find_references(text) if text is not None else []
        if not refs:
            refs = _token_references(tokens)
        candidates: Counter[int] = Counter()
        for ref in refs:
            for idx in self.by_ref.get(ref, ()):
                candidates[idx] += 1
        if not candidates:
            return None
        top = max(candidates.values())
        tied = [i for i, k in candidates.items() if k == top]
        best = max(tied, key=lambda i: (scores.get(i, 0.0), -i))
        label_ref = parse_label(self.clauses[best].label)
        unique = len(tied) == 1 and len(self.by_ref.get(label_ref, [])) == 1  # type: ignore[arg-type]
        return best, EXPLICIT_CONFIDENCE if unique else AMBIGUOUS_EXPLICIT_CONFIDENCE


def map_to_clauses(
    doc_tokens: Sequence[Sequence[str]],
    clauses: Sequence[Any],
    texts: Sequence[str] | None = None,
    min_similarity: float = MIN_SIMILARITY,
) -> list[tuple[int | None, float]]:
    """Best clause id and confidence for each document.

    `clauses` are objects with `.id`, `.label` ("第三条 ……", "（二）……"), `.tokens`
    (segmented clause text) and optionally `.key` ("2.3.1") or `.level` (for
    hierarchical references). Tokens on both sides should come from the same
    normaliser (e.g. traditional already converted to simplified). See the module
    docstring for the order of evidence; below `min_similarity` the result is
    (None, 0.0).
    """
    if texts is not None and len(texts) != len(doc_tokens):
        raise ValueError("texts must align with doc_tokens")
    if not clauses:
        return [(None, 0.0) for _ in doc_tokens]
    index = _Index(clauses)
    coded = _code(doc_tokens)
    matrix = index.score_matrix(doc_tokens, coded)
    # Only a text holding 第, （ or ( can cite a clause (every reference pattern needs one), and
    # only tokens holding one or naming a kind (条, 章 ...) can: the rest skip ``explicit``.
    words, ids, doc = coded
    cite_word = np.asarray([_may_cite(t) for t in words], dtype=bool)
    may_cite = np.bincount(doc[cite_word[ids]], minlength=len(doc_tokens)) > 0 if ids.size else np.zeros(len(doc_tokens), bool)
    if texts is not None:
        may_cite |= np.asarray([any(a in t for a in _ANCHORS) for t in texts], dtype=bool)
    # The best clause (the lowest index of a tie, as sorting by (-score, index) gives) and the
    # runner-up's score (0.0 when no other clause shares a word).
    best = matrix.argmax(axis=1).tolist()
    top = matrix.max(axis=1).tolist()
    second = (np.sort(matrix, axis=1)[:, -2] if matrix.shape[1] > 1 else np.zeros(len(doc_tokens))).tolist()
    results: list[tuple[int | None, float]] = []
    for d, tokens in enumerate(doc_tokens):
        hit = index.explicit(texts[d] if texts is not None else None, tokens, _Row(matrix[d])) if may_cite[d] else None
        if hit is not None:
            results.append((clauses[hit[0]].id, hit[1]))
            continue
        if top[d] <= 0.0 or top[d] < min_similarity:
            results.append((None, 0.0))
            continue
        results.append((clauses[best[d]].id, _calibrate(top[d], second[d])))
    return results


_Coded = tuple[list[str], np.ndarray, np.ndarray]


def _code(doc_tokens: Sequence[Sequence[str]]) -> _Coded:
    """The distinct tokens, every token's index among them and its document's index."""
    vocab: dict[str, int] = {}
    ids = np.fromiter((vocab.setdefault(t, len(vocab)) for toks in doc_tokens for t in toks), dtype=np.int64)
    doc = np.repeat(np.arange(len(doc_tokens), dtype=np.int64), [len(toks) for toks in doc_tokens])
    return list(vocab), ids, doc


def _may_cite(token: str) -> bool:
    """``_token_references``'s test of a token (false for every token: no reference)."""
    return any(a in token for a in _ANCHORS) or token in _LEGAL_KIND


class _Row:
    """A document's row of the score matrix, read like ``_Index.scores``'s dict."""

    def __init__(self, row: np.ndarray) -> None:
        self.row = row

    def get(self, idx: int, default: float = 0.0) -> float:
        return float(self.row[idx])


def _by_rank(rank: np.ndarray) -> list[np.ndarray]:
    """Indices of the entries of each rank 0, 1, 2 ... in turn."""
    order = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[order], np.arange(int(rank.max(initial=-1)) + 2))
    return [order[bounds[j] : bounds[j + 1]] for j in range(len(bounds) - 1)]
