"""Time and peak memory of ``cluster_two_level`` on a synthetic corpus; prints one JSON line.

The corpus mimics tokenised comments: each document draws most tokens from one of
``--topics`` topic vocabularies and the rest from a large shared vocabulary (Zipf-like),
10-60 tokens per document. Usage::

    python benchmarks/cluster_benchmark.py --n 100000 [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.metrics import normalized_mutual_info_score  # noqa: E402

from worker.analysis.cluster import cluster_two_level  # noqa: E402


def word(prefix: str, i: int) -> str:
    """A letters-only token (the vectoriser drops tokens with digits)."""
    letters = ""
    while True:
        i, r = divmod(i, 26)
        letters += chr(ord("a") + r)
        if i == 0:
            return prefix + letters


def synthetic_corpus(
    n: int, topics: int, seed: int, topic_words: int = 400, shared_words: int = 20_000
) -> tuple[list[list[str]], np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, topics, n)
    lengths = rng.integers(10, 61, n)
    zipf_t = 1.0 / np.arange(1, topic_words + 1)
    zipf_t /= zipf_t.sum()
    zipf_s = 1.0 / np.arange(1, shared_words + 1)
    zipf_s /= zipf_s.sum()
    docs = []
    for t, length in zip(truth, lengths, strict=True):
        n_topic = rng.binomial(length, 0.5)
        own = rng.choice(topic_words, n_topic, p=zipf_t)
        shared = rng.choice(shared_words, length - n_topic, p=zipf_s)
        docs.append(
            [word(f"t{chr(ord('a') + t)}", i) for i in own] + [word("s", i) for i in shared]
        )
    return docs, truth


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--topics", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    docs, truth = synthetic_corpus(args.n, args.topics, args.seed)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = cluster_two_level(docs, seed=args.seed)
    seconds = time.perf_counter() - start
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    out = {
        "n": args.n,
        "topics": args.topics,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(rss_peak / 1024, 1),
        "rss_before_mb": round(rss_before / 1024, 1),
        "n_themes": result.n_themes,
        "n_issues": result.n_issues,
        "nmi_themes_vs_topics": round(
            float(normalized_mutual_info_score(truth, result.theme_of)), 4
        ),
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
