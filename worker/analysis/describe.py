"""Describing a group of comments: label phrase, keywords, representatives, stance mix.

Works on the clustering units (a campaign counts as one weighted unit) and reuses what
clustering already computed: the TF-IDF matrix for class-based keywords and the
L2-normalised document vectors for representatives. Nothing is re-segmented.

* Keywords: class-based TF-IDF (c-TF-IDF): the weighted share of a group's documents
  that contain a term, times ``log(1 + A / f_t)`` with ``A`` the average group weight
  and ``f_t`` the term's weighted document frequency over all groups.
* Label: the best contiguous 2-3 token phrase found in the group's most central
  documents, scored by how many documents contain it times the c-TF-IDF of its tokens,
  so "加装电梯补贴" rather than a bag of words. Both ends of the phrase must be
  distinctive terms of the group (a filler word such as "后面" or a clause number never
  starts or ends a label) and, when the texts are given, the phrase must occur verbatim
  in a member's text (tokens glued across a removed stop word are not a phrase).
  Falls back to the top keyword.
* Representatives: maximal marginal relevance over document vectors: central to the
  group's centroid, not near-copies of each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .normalise import normalise
from .phrasing import is_filler_label

OTHER_LABEL = "其他"


@dataclass
class GroupDescription:
    """Description of one group; ``representatives`` are unit indices."""

    label: str
    keywords: list[str] = field(default_factory=list)
    representatives: list[int] = field(default_factory=list)
    stance_counts: dict[str, int] = field(default_factory=dict)
    term_scores: dict[str, float] = field(default_factory=dict)  # distinctive terms
    central: list[int] = field(default_factory=list)  # most central units, best first


def class_tfidf(
    tfidf: sp.spmatrix, group_of: np.ndarray, n_groups: int, weights: np.ndarray
) -> np.ndarray:
    """c-TF-IDF scores, one row per group, one column per vocabulary term."""
    n, v = tfidf.shape
    if n == 0 or v == 0 or n_groups == 0:
        return np.zeros((n_groups, v))
    incidence = sp.csr_matrix(tfidf, copy=True)
    incidence.data[:] = 1.0
    membership = sp.csr_matrix((weights, (group_of, np.arange(n))), shape=(n_groups, n))
    counts = np.asarray((membership @ incidence).todense())
    group_weight = np.bincount(group_of, weights=weights, minlength=n_groups)
    share = counts / np.maximum(group_weight, 1e-12)[:, None]
    term_freq = counts.sum(axis=0)
    avg = group_weight.mean()
    idf = np.log1p(avg / np.maximum(term_freq, 1e-12))
    return share * idf[None, :]


# Words every kind of opinion uses whatever its topic ("建议…", "希望尽快解决…"): they say how
# people speak, not what about, so they never name a group nor lead its keywords.
GENERIC_OPINION_WORDS = frozenset(
    [
        "建议",
        "希望",
        "要求",
        "支持",
        "反对",
        "请问",
        "认为",
        "觉得",
        "应该",
        "应当",
        "能否",
        "是否",
        "可以",
        "需要",
        "加强",
        "增加",
        "进一步",
        "尽快",
        "解决",
        "落实",
        "问题",
        "情况",
        "相关",
        "有关",
        "部门",
        "政府",
        "领导",
        "目前",
        "现在",
        "一些",
        "这个",
        "那个",
        "我们",
        "大家",
        "谢谢",
        "感谢",
        "呼吁",
        "恳请",
        "强烈",
        "严重",
        "存在",
        "没有",
        "还是",
        "已经",
        "非常",
        "特别",
        "一直",
        "予以",
        "给予",
        "望",
        "请",
    ]
)


def top_keywords(scores: np.ndarray, vocabulary: Sequence[str], k: int = 8) -> list[str]:
    """The ``k`` best-scoring terms of one c-TF-IDF row (positive scores only)."""
    if scores.size == 0:
        return []
    k = min(k, scores.size)
    idx = np.argpartition(-scores, k - 1)[:k]
    idx = idx[np.lexsort((idx, -scores[idx]))]
    ranked = [vocabulary[i] for i in idx if scores[i] > 0]
    specific = [w for w in ranked if w not in GENERIC_OPINION_WORDS]
    return specific or ranked


def _join(tokens: Sequence[str]) -> str:
    out = tokens[0]
    for t in tokens[1:]:
        # Latin words need a space between them; Chinese words must not have one.
        out += (" " + t) if out[-1:].isascii() and out[-1:].isalnum() and t[:1].isascii() else t
    return out


def key_phrase(
    token_lists: Sequence[Sequence[str]],
    term_scores: dict[str, float],
    weights: Sequence[float] | None = None,
    texts: Sequence[str] | None = None,
) -> str | None:
    """Best contiguous 2-3 token phrase in ``token_lists`` or None.

    A phrase must contain at least one scored term, may not start or end with a
    single-character token, and must occur in two or more documents (one when the
    group has a single document). Score: weighted documents containing it × summed
    scores of its tokens.
    """
    if not token_lists:
        return None
    w = np.ones(len(token_lists)) if weights is None else np.asarray(weights, dtype=float)
    cover: Counter[tuple[str, ...]] = Counter()
    docs_with: Counter[tuple[str, ...]] = Counter()
    # A phrase starts and ends with a scored term of two or more characters that is not a generic
    # opinion word: only the few positions holding one are looked at (the scored terms are
    # 3 x n_keywords words), not every 2- and 3-gram of every document.
    ends = {t for t in term_scores if len(t) >= 2 and t not in GENERIC_OPINION_WORDS}
    for toks, wi in zip(token_lists, w, strict=True):
        seen: set[tuple[str, ...]] = set()
        if not ends.isdisjoint(toks):
            n = len(toks)
            for i, tok in enumerate(toks):
                if tok not in ends:
                    continue
                for size in (2, 3):
                    if i + size <= n and toks[i + size - 1] in ends:
                        gram = tuple(toks[i : i + size])
                        if len(set(gram)) == size:
                            seen.add(gram)
        for gram in seen:
            cover[gram] += wi
            docs_with[gram] += 1
    need = 1 if len(token_lists) == 1 else 2
    ranked = sorted(
        (
            (-c * sum(term_scores.get(t, 0.0) for t in gram), -c, gram)
            for gram, c in cover.items()
            if docs_with[gram] >= need
        ),
    )
    # Ties: the more frequent, then the lexicographically first phrase (determinism).
    if texts is not None:
        norm = [normalise(t) for t in texts]
        for *_, gram in ranked[:50]:
            phrase = _join(gram)
            if is_filler_label(phrase):  # "任务后面列明": glued around a locative
                continue
            if sum(phrase in t for t in norm) >= min(need, len(norm)):
                return phrase
        return None
    phrases = [_join(gram) for *_, gram in ranked if not is_filler_label(_join(gram))]
    return phrases[0] if phrases else None


def mmr(
    vectors: np.ndarray,
    members: np.ndarray,
    weights: np.ndarray,
    k: int = 4,
    diversity: float = 0.3,
    pool: int = 300,
) -> list[int]:
    """Up to ``k`` members: central to the weighted centroid, diverse among themselves."""
    if len(members) == 0:
        return []
    vecs = vectors[members].astype(np.float64)
    centroid = (vecs * weights[members, None]).sum(axis=0)
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return [int(m) for m in members[:k]]
    relevance = vecs @ (centroid / norm)
    # Only the most central candidates compete: representatives should be typical.
    cand = np.lexsort((members, -relevance))[:pool]
    chosen: list[int] = []
    best_sim = np.full(len(cand), -np.inf)
    for _ in range(min(k, len(cand))):
        penalty = np.where(np.isfinite(best_sim), best_sim, 0.0)
        score = (1 - diversity) * relevance[cand] - diversity * penalty
        if chosen:
            score[np.isin(cand, chosen)] = -np.inf
        pick = int(cand[int(np.argmax(score))])
        chosen.append(pick)
        best_sim = np.maximum(best_sim, vecs[cand] @ vecs[pick])
    return [int(members[c]) for c in chosen]


def central_members(
    vectors: np.ndarray, members: np.ndarray, weights: np.ndarray, limit: int
) -> np.ndarray:
    """The ``limit`` members closest to the weighted centroid, in that order."""
    if len(members) <= limit:
        return members
    vecs = vectors[members]
    centroid = (vecs * weights[members, None]).sum(axis=0)
    relevance = vecs @ centroid
    return members[np.lexsort((members, -relevance))[:limit]]


def stance_mix(stances: Sequence[str], counts: Sequence[int] | None = None) -> dict[str, int]:
    """Number of documents per stance (``counts`` gives a multiplicity per entry)."""
    mix: Counter[str] = Counter()
    for i, s in enumerate(stances):
        mix[str(s)] += 1 if counts is None else int(counts[i])
    return dict(sorted(mix.items()))


def describe_groups(
    groups: Sequence[np.ndarray],
    *,
    token_lists: Sequence[Sequence[str]],
    tfidf: sp.spmatrix,
    vocabulary: Sequence[str],
    vectors: np.ndarray,
    weights: np.ndarray,
    n_keywords: int = 8,
    n_representatives: int = 4,
    phrase_sample: int = 200,
    texts: Sequence[str] | None = None,
) -> list[GroupDescription]:
    """Label, keywords and representative units of every group of units."""
    n = len(token_lists)
    group_of = np.full(n, len(groups), dtype=np.int64)
    for g, members in enumerate(groups):
        group_of[members] = g
    known = group_of < len(groups)
    scores = class_tfidf(sp.csr_matrix(tfidf)[known], group_of[known], len(groups), weights[known])
    out: list[GroupDescription] = []
    for g, members in enumerate(groups):
        members = np.asarray(members, dtype=np.int64)
        row = scores[g] if scores.size else np.zeros(0)
        keywords = top_keywords(row, vocabulary, n_keywords + 4)[:n_keywords]
        term_scores = (
            {
                vocabulary[i]: float(row[i])
                for i in np.argsort(-row)[: 3 * n_keywords]
                if row[i] > 0 and vocabulary[i] not in GENERIC_OPINION_WORDS
            }
            if row.size
            else {}
        )
        core = central_members(vectors, members, weights, phrase_sample)
        label = key_phrase(
            [token_lists[i] for i in core],
            term_scores,
            weights[core],
            texts=[texts[i] for i in core] if texts is not None else None,
        )
        if label is None:
            label = keywords[0] if keywords else OTHER_LABEL
        reps = mmr(vectors, members, weights, k=n_representatives)
        out.append(
            GroupDescription(
                label=label,
                keywords=keywords,
                representatives=reps,
                term_scores=term_scores,
                central=[int(i) for i in core[:50]],
            )
        )
    return out
