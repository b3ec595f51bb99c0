"""Sparse TF-IDF and LSA document vectors built from pre-tokenised comments.

Tokens come from intake (``worker.analysis.segment``); this module only filters out
tokens that carry no topic (single characters, numbers, anonymised codes), weights the
rest with sublinear TF-IDF and reduces the matrix with truncated SVD (LSA).
Pure Python + numpy/scipy/scikit-learn: no web or queue framework here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import randomized_svd

# Tokens with a digit are amounts, dates, phone numbers or anonymised place codes
# ("A3", "138"): they name an instance, never a topic.
_HAS_DIGIT = re.compile(r"\d")
# At least one letter or CJK character; pure punctuation and symbols are dropped.
_HAS_WORD = re.compile(r"[^\W\d_]")

VOCAB_SAMPLE = 50_000  # documents used to pick the vocabulary: bounds memory at 1 M docs
MAX_FEATURES = 100_000  # vocabulary cap (most frequent terms kept)
SVD_SAMPLE = 20_000  # documents the LSA basis is fitted on
SMALL_CORPUS = 50  # below this, df pruning would delete most of the vocabulary


@dataclass
class Tfidf:
    """A TF-IDF matrix (rows L2-normalised, float32 CSR) and its column names."""

    matrix: sp.csr_matrix
    vocabulary: list[str]


def keep_token(token: str, min_chars: int = 2) -> bool:
    """True when a token may describe a topic (see module docstring)."""
    return (
        len(token) >= min_chars
        and _HAS_WORD.search(token) is not None
        and _HAS_DIGIT.search(token) is None
    )


def filter_tokens(token_lists: Sequence[Sequence[str]], min_chars: int = 2) -> list[list[str]]:
    """Drop tokens that carry no topic from every document."""
    # Comments repeat a small vocabulary: decide once per distinct token, not per use, and
    # copy a document with nothing to drop as it is (one set test in C).
    verdict: dict[str, bool] = {}
    for toks in token_lists:
        for t in toks:
            if t not in verdict:
                verdict[t] = keep_token(t, min_chars)
    drop = {t for t, ok in verdict.items() if not ok}
    return [list(toks) if drop.isdisjoint(toks) else [t for t in toks if t not in drop] for toks in token_lists]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def build_tfidf(
    token_lists: Sequence[Sequence[str]],
    *,
    seed: int = 0,
    max_df: float = 0.25,
    max_features: int = MAX_FEATURES,
    vocab_sample: int = VOCAB_SAMPLE,
    filter: bool = True,
) -> Tfidf:
    """Sublinear TF-IDF over ``token_lists``.

    The vocabulary is chosen on a seeded sample of at most ``vocab_sample`` documents so
    that a million comments never build a dictionary of every rare term. Terms in more
    than ``max_df`` of the sample are generic (greetings, "问题", "希望") and dropped;
    terms seen once are dropped unless the corpus is tiny.
    """
    docs = filter_tokens(token_lists) if filter else [list(t) for t in token_lists]
    n = len(docs)
    if n == 0:
        return Tfidf(sp.csr_matrix((0, 0), dtype=np.float32), [])
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(n, vocab_sample, replace=False)) if n > vocab_sample else None
    sample = [docs[i] for i in idx] if idx is not None else docs
    small = len(sample) < SMALL_CORPUS
    vocabulary = _pick_vocabulary(
        sample,
        min_df=1 if small else 2,
        max_df=1.0 if small else max_df,
        max_features=max_features,
    )
    if not vocabulary and not small:
        # Everything was pruned (e.g. all documents identical): keep the raw vocabulary.
        vocabulary = _pick_vocabulary(sample, min_df=1, max_df=1.0, max_features=max_features)
    if not vocabulary:
        return Tfidf(sp.csr_matrix((n, 0), dtype=np.float32), [])
    counts = _counts(docs, vocabulary)
    matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    return Tfidf(sp.csr_matrix(matrix, dtype=np.float32), vocabulary)


def _counts(docs: list[list[str]], vocabulary: list[str]) -> sp.csr_matrix:
    """``CountVectorizer(vocabulary=vocabulary, dtype=float32).transform(docs)``: the same matrix
    (counts, sorted indices, no duplicates) from numpy instead of a Python dict per document."""
    column = {t: j for j, t in enumerate(vocabulary)}
    get = column.get
    cols = [get(t, -1) for toks in docs for t in toks]
    rows = np.repeat(np.arange(len(docs), dtype=np.int64), [len(toks) for toks in docs])
    cols_a = np.asarray(cols, dtype=np.int64)
    known = cols_a >= 0
    matrix = sp.csr_matrix((np.ones(int(known.sum()), dtype=np.float32), (rows[known], cols_a[known])),
                           shape=(len(docs), len(vocabulary)), dtype=np.float32)
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def _pick_vocabulary(
    docs: list[list[str]], *, min_df: int, max_df: float, max_features: int
) -> list[str]:
    cv = CountVectorizer(
        analyzer=_identity, min_df=min_df, max_df=max_df, max_features=max_features
    )
    try:
        cv.fit(docs)
    except ValueError:  # sklearn raises when no term survives pruning
        return []
    return [str(t) for t in cv.get_feature_names_out()]


def lsa(
    matrix: sp.spmatrix, *, n_components: int = 100, seed: int = 0, fit_sample: int = SVD_SAMPLE
) -> np.ndarray:
    """L2-normalised LSA vectors (float32, n x d). Empty rows stay zero vectors.

    The SVD basis is fitted on a seeded sample of at most ``fit_sample`` rows and then
    applied to every row: the leading topic directions are already stable at that size
    and the cost stops growing with the corpus.
    """
    n, v = matrix.shape
    d = min(n_components, n - 1, v - 1)
    if d < 1:
        # Too few docs or terms for an SVD: the (tiny) TF-IDF rows are the vectors.
        dense = matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix)
        out = dense.astype(np.float32) if v else np.zeros((n, 1), dtype=np.float32)
        return normalize(out).astype(np.float32)
    svd = TruncatedSVD(d, algorithm="randomized", n_iter=5, random_state=seed)
    if n > fit_sample:
        rows = np.sort(np.random.default_rng(seed).choice(n, fit_sample, replace=False))
        svd.fit(matrix[rows])
        z = svd.transform(matrix)
    else:
        z = svd.fit_transform(matrix)
    return normalize(z).astype(np.float32)


WV_VOCAB = 3000  # most frequent terms that get a corpus word vector
WV_DIMS = 50
WV_SAMPLE = 50_000  # documents the co-occurrence counts are taken on
WV_ALPHA = 0.75  # context-distribution smoothing (Levy, Goldberg & Dagan 2015)


def corpus_word_vectors(
    matrix: sp.spmatrix,
    *,
    vocab: int = WV_VOCAB,
    dims: int = WV_DIMS,
    seed: int = 0,
    sample: int = WV_SAMPLE,
) -> np.ndarray:
    """Word vectors learnt from the corpus itself: SVD of document co-occurrence PPMI.

    Two words are related when they occur in the same comments more often than chance
    (positive pointwise mutual information, context distribution smoothed with
    ``WV_ALPHA``). The ``vocab`` most frequent terms get the first ``dims`` singular
    vectors scaled by the square root of the singular values; other terms get zeros.
    Returns a (terms x dims) float64 array. Nothing is downloaded: the vectors know
    only this corpus, which is what makes "电梯" and "加装" near each other in a plan
    about lifts and not elsewhere.
    """
    n, v = matrix.shape
    out = np.zeros((v, dims))
    if n < 3 or v < 3:
        return out
    rows = (
        np.sort(np.random.default_rng(seed).choice(n, sample, replace=False))
        if n > sample
        else slice(None)
    )
    b = sp.csr_matrix(matrix[rows], copy=True)
    b.data[:] = 1.0
    df = np.asarray(b.sum(axis=0)).ravel()
    top = np.sort(np.argsort(-df, kind="stable")[: min(vocab, v)])
    bt = sp.csc_matrix(b[:, top], dtype=np.float64)
    co = (bt.T @ bt).toarray()
    np.fill_diagonal(co, 0.0)
    total = co.sum()
    if total <= 0:
        return out
    r = co.sum(axis=1)
    ctx = r**WV_ALPHA
    ctx = ctx / max(ctx.sum(), 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(co / total / np.outer(r / total, ctx))
    ppmi = np.where(co > 0, np.maximum(pmi, 0.0), 0.0)
    k = min(dims, len(top) - 1)
    u, s, _ = randomized_svd(ppmi, k, n_iter=5, random_state=seed)
    out[top, :k] = u * np.sqrt(s)
    return out


def document_vectors(
    matrix: sp.spmatrix, *, lsa_dims: int = 100, seed: int = 0, word_vectors: bool = True
) -> np.ndarray:
    """L2-normalised document vectors: LSA, joined with averaged corpus word vectors.

    Both halves are normalised before being joined, so each weighs the same in a cosine.
    The word-vector half smooths short comments: two complaints that share no word but
    use related words (停车位 / 车位 / 充电桩) end up close. ``word_vectors=False`` gives
    the plain LSA fallback.
    """
    z = lsa(matrix, n_components=lsa_dims, seed=seed)
    if not word_vectors or matrix.shape[0] < 3 or matrix.shape[1] < 3:
        return z
    e = corpus_word_vectors(matrix, seed=seed)
    w = normalize(np.asarray(matrix @ e))
    return normalize(np.hstack([z, w.astype(np.float32)])).astype(np.float32)
