"""Two-level clustering of comments into broad themes, each holding specific issues.

Method (see docs/clustering.md): TF-IDF -> LSA -> k-means micro-clusters; an ensemble of
k-means runs with random k on a sample votes which micro-clusters belong together
(evidence accumulation); average linkage on that co-association matrix builds a
dendrogram. Themes: cut at a fixed co-association distance (``THEMES.cut``) unless one
number of clusters clearly survives longest (the "maximum lifetime" criterion), which
issues always use. The same procedure, inside each theme, gives its issues. Neither number is given by the caller.

Copies of one cleaned text are one unit weighing their summed weight (``units.py``): the
model sees distinct texts, so a corpus posted twice is fitted like the corpus once.

Deterministic: the samples the micro-clusters and the ensembles are fitted on are chosen by
a hash of each document's cleaned tokens, and every k-means start comes from a fixed
stream, so a rebuild of the same comments gives the same themes whatever ``seed`` says, and
adding, removing or re-spelling a few comments leaves the other documents' sample
membership as it was (a random sample would be redrawn entirely).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning

from worker.analysis.features import clean_documents
from worker.analysis.units import content_order, distinct_units, document_keys, hash_sample
from worker.analysis.vectorise import build_tfidf, document_vectors


@dataclass
class TwoLevelClustering:
    """Theme and issue of every document, plus the vectors the digest reuses.

    Issues are numbered globally; ``issue_theme[i]`` is the theme of issue ``i``. Themes
    are numbered by decreasing (weighted) size, issues by theme then decreasing size.
    Rows of ``doc_vectors`` are L2-normalised, except zero rows for documents without
    any usable term; those documents form their own last theme.
    """

    theme_of: np.ndarray
    issue_of: np.ndarray
    issue_theme: list[int]
    doc_vectors: np.ndarray
    tfidf: sp.csr_matrix
    vocabulary: list[str] = field(default_factory=list)
    # Themes that are not a topic: documents without usable words, and documents no
    # theme fits (the explicit 其他/未归类 group).
    unassigned_themes: set[int] = field(default_factory=set)

    @property
    def n_themes(self) -> int:
        return int(self.theme_of.max()) + 1 if len(self.theme_of) else 0

    @property
    def n_issues(self) -> int:
        return len(self.issue_theme)


@dataclass(frozen=True)
class _Level:
    """Parameters of one consensus level (themes or issues)."""

    max_micro: int  # micro-clusters: the units the ensemble votes on
    runs: int  # ensemble size
    k_low: int  # k of the ensemble runs is drawn from [k_low, k_high]
    k_high: int
    min_clusters: int  # the lifetime cut chooses among [min_clusters, max_clusters]
    max_clusters: int
    sample: int  # documents the ensemble runs are fitted on
    repeats: int = 1  # independent ensembles whose lifetime curves are averaged
    finer: float = 1.0  # finest k whose lifetime is >= finer x the longest lifetime
    # When set: cut the averaged tree at this co-association distance (unless one lifetime
    # is clear) and fold clusters under ``min_share`` of the documents (``_cut_at``).
    cut: float | None = None
    min_share: float = 0.02


THEMES = _Level(max_micro=200, runs=20, k_low=4, k_high=20, min_clusters=2, max_clusters=12,
                sample=3000, repeats=5, finer=0.7, cut=0.8)  # fmt: skip
ISSUES = _Level(max_micro=60, runs=10, k_low=2, k_high=12, min_clusters=1, max_clusters=10,
                sample=2000)  # fmt: skip
LSA_DIMS = 100
LINKAGE = "average"
ENSEMBLE_ITER = 100  # Lloyd iterations of one ensemble run
ENSEMBLE_INIT = "k-means++"
REFINE_ROUNDS = 30  # spherical k-means rounds after the consensus (stops when stable)
WORD_VECTORS = True  # False: plain TF-IDF/LSA vectors (the fallback)
MAX_DF = 0.35  # terms in over a third of the comments are generic, not theme words
MIN_DOCS_TO_SPLIT = 4
MIN_MICRO = 8
STREAM = 0  # fixed random stream: the result must not depend on the caller's seed
MICRO_FIT = 10_000  # documents the micro-clusters are fitted on  # fewer documents than this are one theme / one issue


def damp_weights(weights: Sequence[float] | None, n: int) -> np.ndarray:
    """Campaign sizes -> clustering weights, 1 + ln(w).

    A form letter sent 500 times weighs ~7 ordinary comments: enough to pull a centroid
    and rank its issue higher, not enough to turn its wording into a theme of its own.
    """
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"weights has shape {w.shape}, expected ({n},)")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    return 1.0 + np.log(np.maximum(w, 1.0))


def cluster_two_level(
    token_lists: Sequence[Sequence[str]],
    *,
    seed: int = 0,
    weights: Sequence[float] | None = None,
) -> TwoLevelClustering:
    """Cluster pre-tokenised documents into themes and, within each theme, issues.

    ``seed`` is kept for callers and no longer changes the result (see the module doc). The
    result does not depend on the order of the documents either: they are clustered in an
    order of their content (the same comments loaded in another order gave other themes).
    """
    del seed
    n = len(token_lists)
    w = damp_weights(weights, n)
    order = content_order(token_lists)
    found = _cluster_in_order([token_lists[i] for i in order], w[order])
    back = np.argsort(order)
    return replace(found, theme_of=found.theme_of[back], issue_of=found.issue_of[back],
                   doc_vectors=found.doc_vectors[back], tfidf=sp.csr_matrix(found.tfidf[back]))


def _cluster_in_order(token_lists: Sequence[Sequence[str]], w: np.ndarray) -> TwoLevelClustering:
    n = len(token_lists)
    cleaned = clean_documents(token_lists)
    tfidf = build_tfidf(cleaned, seed=STREAM, max_df=MAX_DF)
    # Copies of one cleaned text are one unit weighing their summed weight (units.py).
    unit_of, first = distinct_units(cleaned)
    uw = np.bincount(unit_of, weights=w, minlength=len(first))
    keys = document_keys([cleaned[i] for i in first])
    rows = tfidf.matrix[first] if n else tfidf.matrix
    uz = _unit_vectors(tfidf.matrix, first)
    has_text = np.asarray(rows.getnnz(axis=1) > 0) if n else np.zeros(0, bool)
    has_text &= np.linalg.norm(uz, axis=1) > 0

    u_theme = np.zeros(len(first), dtype=np.int64)
    u_issue = np.zeros(len(first), dtype=np.int64)
    issue_theme: list[int] = []
    live = np.flatnonzero(has_text)
    if len(live):
        themes = _consensus(uz[live], uw[live], keys[live], THEMES, STREAM)
        themes = _by_size(_refine(uz[live], uw[live], themes), uw[live])
        u_theme[live] = themes
        for t in range(int(themes.max()) + 1):
            members = live[themes == t]
            issues = _consensus(uz[members], uw[members], keys[members], ISSUES, STREAM + 1 + t)
            issues = _by_size(issues, uw[members])
            u_issue[members] = issues + len(issue_theme)
            issue_theme.extend([t] * (int(issues.max()) + 1))
    empty = np.flatnonzero(~has_text)
    if len(empty):
        u_theme[empty] = int(u_theme[live].max()) + 1 if len(live) else 0
        u_issue[empty] = len(issue_theme)
        issue_theme.append(int(u_theme[empty[0]]))
    theme_of, issue_of = u_theme[unit_of], u_issue[unit_of]
    vectors = uz[unit_of]
    return TwoLevelClustering(
        theme_of=theme_of,
        issue_of=issue_of,
        issue_theme=issue_theme,
        doc_vectors=vectors,
        tfidf=tfidf.matrix,
        vocabulary=tfidf.vocabulary,
        unassigned_themes={int(u_theme[empty[0]])} if len(empty) else set(),
    )


def _unit_vectors(matrix: sp.csr_matrix, first: np.ndarray) -> np.ndarray:
    """float32 vectors of the units. The vector space is learnt on every document (copies
    weigh in the SVD and the word co-occurrences as before); learning it on the distinct
    rows only was measured worse (docs/clustering.md)."""
    if matrix.shape[0] == 0:
        return np.zeros((0, 1), dtype=np.float32)
    z = document_vectors(matrix, lsa_dims=LSA_DIMS, seed=STREAM, word_vectors=WORD_VECTORS)
    return z[first].astype(np.float32)


def _refine(
    z: np.ndarray, w: np.ndarray, labels: np.ndarray, rounds: int | None = None
) -> np.ndarray:
    """A few spherical k-means rounds started from the consensus themes.

    The consensus works on micro-clusters, so a document sits wherever its
    micro-cluster went; re-assigning each document to the nearest theme centroid fixes
    micro-clusters that straddle two themes.
    """
    for _ in range(REFINE_ROUNDS if rounds is None else rounds):
        k = int(labels.max()) + 1
        member = sp.csr_matrix((w, (labels, np.arange(len(labels)))), shape=(k, len(labels)))
        sums = np.asarray(member @ z)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        centres = sums / np.where(norms > 0, norms, 1.0)
        new = np.asarray(z @ centres.T.astype(z.dtype)).argmax(axis=1)
        # A theme that lost every document disappears: renumber densely.
        new = np.unique(new, return_inverse=True)[1].ravel()
        if np.array_equal(new, labels):
            break
        labels = new
    return labels


def _by_size(labels: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Renumber labels 0..k-1 by decreasing total weight (ties: first label first)."""
    sizes = np.bincount(labels, weights=w)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[labels]


def _consensus(
    z: np.ndarray, w: np.ndarray, keys: np.ndarray, level: _Level, seed: int
) -> np.ndarray:
    """Labels 0..k-1 for the rows of ``z``, k chosen by the lifetime criterion."""
    n = len(z)
    if n < MIN_DOCS_TO_SPLIT:
        return np.zeros(n, dtype=np.int64)
    # scikit-learn's k-means++ seeding upcasts float32 in small chunks: far slower.
    z = z.astype(np.float64)
    # About ten documents per micro-cluster: singletons make the votes noisy.
    n_micro = min(level.max_micro, max(MIN_MICRO, n // 10))
    micro, centres = _micro_clusters(z, w, keys, n_micro, seed)
    m = len(centres)
    if m < 2:
        return np.zeros(n, dtype=np.int64)
    # Several independent ensembles: their averaged votes give the tree that is cut, and
    # their averaged lifetime curves choose where (one ensemble's curve is noisy).
    total = np.zeros((m, m))
    lifetimes = np.zeros(level.max_clusters + 1)
    counts = np.bincount(micro, minlength=m).astype(float)
    for b in range(level.repeats):
        coassoc = _coassociation(z, w, keys, micro, centres, level, seed * 1009 + b)
        total += coassoc
        lifetimes += _lifetimes(_tree(coassoc)[:, 2], m, level.max_clusters)
    coassoc = total / level.repeats
    tree = _tree(coassoc)
    if level.cut is not None and not _clear_lifetime(lifetimes, m, level):
        return _cut_at(tree, coassoc, counts, level, level.cut)[micro]
    k = _best_lifetime(lifetimes, m, level.min_clusters, level.max_clusters, level.finer)
    return (fcluster(tree, k, criterion="maxclust") - 1)[micro].astype(np.int64)


CLEAR_LIFETIME = 2.0  # a longest lifetime this many times the runner-up is clear structure


def _clear_lifetime(lifetimes: np.ndarray, m: int, level: _Level) -> bool:
    """True when one k lives at least ``CLEAR_LIFETIME`` times longer than any other.

    Then the lifetime cut is trusted (two separated topics are two themes); on a flat
    curve, whose choice flips with a 1 % change of the data, the fixed cut decides.
    """
    high = min(level.max_clusters, max(m // 2, 1))
    low = min(max(level.min_clusters, 1), high)
    window = np.sort(lifetimes[low : high + 1])[::-1]
    return len(window) < 2 or window[0] >= CLEAR_LIFETIME * window[1]


def _cut_at(
    tree: np.ndarray, coassoc: np.ndarray, sizes: np.ndarray, level: _Level, cut: float
) -> np.ndarray:
    """Micro-cluster labels: the tree cut at distance ``cut``, small clusters folded.

    A fixed level moves by one cluster when one merge height crosses it (see docs)."""
    labels = fcluster(tree, cut, criterion="distance") - 1
    k = int(labels.max()) + 1
    if k > level.max_clusters:
        labels = fcluster(tree, level.max_clusters, criterion="maxclust") - 1
        k = int(labels.max()) + 1
    weight = np.bincount(labels, weights=sizes, minlength=k)
    big = np.flatnonzero(weight >= level.min_share * sizes.sum())
    if len(big) < max(level.min_clusters, 1):
        big = np.argsort(-weight, kind="stable")[: max(level.min_clusters, 1)]
    if len(big) < k:
        member = np.zeros((len(coassoc), len(big)))
        for j, c in enumerate(big):
            member[labels == c, j] = sizes[labels == c]
        affinity = (coassoc @ member) / np.maximum(member.sum(axis=0), 1e-12)
        small = ~np.isin(labels, big)
        labels = labels.copy()
        labels[small] = big[affinity[small].argmax(axis=1)]
    return np.unique(labels, return_inverse=True)[1].ravel().astype(np.int64)


def _tree(coassoc: np.ndarray) -> np.ndarray:
    dist = 1.0 - coassoc
    np.fill_diagonal(dist, 0.0)
    return linkage(squareform(np.clip(dist, 0.0, 1.0), checks=False), method=LINKAGE)


def _micro_clusters(
    z: np.ndarray, w: np.ndarray, keys: np.ndarray, max_micro: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Many small k-means clusters (or the distinct rows, when there are few)."""
    rng = np.random.default_rng(seed)
    # Hash of the rounded rows: finds identical texts without sorting n x d rows.
    key = np.round(z, 4).astype(np.float64) @ rng.standard_normal(z.shape[1])
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    if len(first) <= max_micro:
        return inverse.ravel(), z[first]
    # Fitted on a sample, applied to all: the cost stays flat as the corpus grows.
    fit = hash_sample(keys, MICRO_FIT, seed)
    zf, wf = (z[fit], w[fit]) if fit is not None else (z, w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        km = KMeans(max_micro, n_init=1, max_iter=50, random_state=seed).fit(zf, sample_weight=wf)
    labels = km.predict(z) if fit is not None else km.labels_
    # An empty micro-cluster would be a row of zeros in the votes: renumber densely.
    used, labels = np.unique(labels, return_inverse=True)
    return labels.ravel(), km.cluster_centers_[used]


def _coassociation(
    z: np.ndarray,
    w: np.ndarray,
    keys: np.ndarray,
    micro: np.ndarray,
    centres: np.ndarray,
    level: _Level,
    seed: int,
) -> np.ndarray:
    """How often, over the ensemble, the documents of two micro-clusters share a cluster."""
    rng = np.random.default_rng(seed)
    m = len(centres)
    sample = hash_sample(keys, level.sample, seed)
    zs = z[sample] if sample is not None else z
    ws = w[sample] if sample is not None else w
    ms = micro[sample] if sample is not None else micro
    unseen = np.setdiff1d(np.arange(m), ms)  # micro-clusters with no sampled document
    total = np.zeros((m, m))
    runs = 0
    for _ in range(level.runs):
        k = int(rng.integers(level.k_low, level.k_high + 1))
        k = min(k, max(2, m // 2))  # several micro-clusters per cluster, or no vote
        if k < 2:
            continue
        with warnings.catch_warnings():
            # Fewer distinct points than k (near-identical texts) is expected, not an error.
            warnings.simplefilter("ignore", ConvergenceWarning)
            km = KMeans(
                k,
                init=ENSEMBLE_INIT,
                n_init=1,
                max_iter=ENSEMBLE_ITER,
                random_state=int(rng.integers(2**31 - 1)),
            ).fit(
                zs  # unweighted: a form letter must not pull a theme of its own
            )
        votes = np.zeros((m, k))
        np.add.at(votes, (ms, km.labels_), ws)
        if len(unseen):
            votes[unseen, km.predict(centres[unseen])] = 1.0
        votes /= votes.sum(axis=1, keepdims=True)
        total += votes @ votes.T
        runs += 1
    if runs == 0:
        return np.ones((m, m))
    return total / runs


def _lifetimes(heights: np.ndarray, m: int, high: int) -> np.ndarray:
    """lifetimes[k]: range of merge distances over which the tree has k clusters."""
    out = np.zeros(high + 1)
    for k in range(1, min(high, m) + 1):
        upper = 1.0 if k == 1 else heights[m - k]
        lower = heights[m - k - 1] if k < m else 0.0
        out[k] = upper - lower
    return out


def _best_lifetime(lifetimes: np.ndarray, m: int, low: int, high: int, finer: float) -> int:
    """The finest k in [low, high] (at most m // 2) whose summed lifetime is at least
    ``finer`` times the longest one."""
    high = min(high, max(m // 2, 1))
    low = min(max(low, 1), high)
    best = max(lifetimes[low : high + 1])
    # Prefer the finest cut that lasts nearly as long as the longest-lived one: a coarse
    # theme that is only marginally more lasting is a catch-all of topics a reader can
    # tell apart.
    return max(k for k in range(low, high + 1) if lifetimes[k] >= finer * best)
