"""Clustering quality against human labels: themes vs. a labelled CSV/XLSX file.

``evaluate_file`` tokenises the texts, runs ``cluster_two_level`` (or, with
``baseline=True``, plain TF-IDF + k-means told the true number of labels) and compares
the themes with the labels. ``python -m worker.analysis.evaluate FILE --text-col text
--label-col label [--baseline]`` prints the result as one JSON line; ``--stability``
adds the figures of ``worker.analysis.stability`` (5 seeds, traditional conversion,
the set replicated with light edits).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import (
    adjusted_rand_score,
    normalized_mutual_info_score,
    v_measure_score,
)
from sklearn.metrics.cluster import contingency_matrix

from worker.analysis.cluster import cluster_two_level
from worker.analysis.labelled import read_table, tokeniser
from worker.analysis.stability import stability_report

__all__ = ["evaluate_file", "read_table", "stability_figures", "tokeniser"]


def purity(labels_true: Sequence[str], labels_pred: Sequence[int]) -> float:
    """Share of documents whose cluster's majority label is their own label."""
    if len(labels_true) == 0:
        return 0.0
    c = contingency_matrix(labels_true, labels_pred)
    return float(c.max(axis=0).sum() / c.sum())


def baseline_themes(token_lists: list[list[str]], k: int, seed: int = 0) -> np.ndarray:
    """Reference method: TF-IDF + k-means with the true k (the perf-notes baseline)."""
    x = TfidfVectorizer(analyzer=lambda toks: toks).fit_transform(token_lists)
    return KMeans(k, n_init=1, random_state=seed).fit_predict(x)


def evaluate_file(
    path: str,
    text_col: str,
    label_col: str,
    *,
    baseline: bool = False,
    seed: int = 0,
) -> dict:
    """Cluster the texts of ``path`` and score the themes against its labels."""
    texts, labels = read_table(path, text_col, label_col)
    tokens = tokeniser()
    start = time.perf_counter()
    token_lists = [tokens(t) for t in texts]
    if baseline:
        k = len(set(labels))
        themes = baseline_themes(token_lists, k, seed)
        n_themes, n_issues = k, k
    else:
        result = cluster_two_level(token_lists, seed=seed)
        themes = result.theme_of
        n_themes, n_issues = result.n_themes, result.n_issues
    seconds = time.perf_counter() - start
    return {
        "n": len(texts),
        "method": "baseline-tfidf-kmeans-true-k" if baseline else "two-level-consensus",
        "n_themes": int(n_themes),
        "n_issues": int(n_issues),
        "nmi": round(float(normalized_mutual_info_score(labels, themes)), 4),
        "ari": round(float(adjusted_rand_score(labels, themes)), 4),
        "v_measure": round(float(v_measure_score(labels, themes)), 4),
        "purity": round(purity(labels, themes), 4),
        "seconds": round(seconds, 2),
    }


def stability_figures(
    path: str, text_col: str, label_col: str, *, replicate: int = 20
) -> dict[str, Any]:
    """Seeds, traditional conversion and replicated-set figures (``stability``)."""
    return stability_report(path, text_col, label_col, replicate=replicate)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--label-col", default="label")
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stability", action="store_true", help="seeds, traditional, replicas")
    parser.add_argument("--replicate", type=int, default=20, help="copies for --stability")
    args = parser.parse_args(argv)
    if args.stability:
        from worker.analysis.stability import stability_report

        out = stability_report(args.path, args.text_col, args.label_col, replicate=args.replicate)
    else:
        out = evaluate_file(
            args.path, args.text_col, args.label_col, baseline=args.baseline, seed=args.seed
        )
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
