"""Clustering quality against human labels: themes vs. a labelled CSV/XLSX file.

``evaluate_file`` tokenises the texts, runs ``cluster_two_level`` (or, with
``baseline=True``, plain TF-IDF + k-means told the true number of labels) and compares
the themes with the labels. ``python -m worker.analysis.evaluate FILE --text-col text
--label-col label [--baseline]`` prints the result as one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Callable, Sequence

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

# Fallback tokeniser only: production tokens come from worker.analysis.segment.
_PUNCT_OR_SPACE = re.compile(r"^[\W_]+$")


def read_table(path: str, text_col: str, label_col: str) -> tuple[list[str], list[str]]:
    """Texts and labels from a CSV (UTF-8, header row) or XLSX (first sheet) file."""
    if path.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(path)
    else:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    if rows and (text_col not in rows[0] or label_col not in rows[0]):
        raise KeyError(f"columns {text_col!r} / {label_col!r} not in {sorted(rows[0])}")
    kept = [r for r in rows if str(r[label_col] or "").strip()]
    return [str(r[text_col] or "") for r in kept], [str(r[label_col]).strip() for r in kept]


def _xlsx_rows(path: str) -> list[dict[str, object]]:
    from openpyxl import load_workbook  # only needed for spreadsheets

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        it = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(h) if h is not None else "" for h in next(it, ())]
        return [dict(zip(header, row, strict=False)) for row in it]
    finally:
        wb.close()


def tokeniser() -> Callable[[str], list[str]]:
    """The intake segmenter if present, else jieba with punctuation dropped."""
    try:
        from worker.analysis.segment import Segmenter  # type: ignore[import-not-found]

        return Segmenter().tokens
    except ImportError:
        import jieba

        jieba.setLogLevel(60)
        return lambda text: [
            t for t in jieba.lcut(text) if t.strip() and not _PUNCT_OR_SPACE.match(t)
        ]


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--label-col", default="label")
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = evaluate_file(
        args.path, args.text_col, args.label_col, baseline=args.baseline, seed=args.seed
    )
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
