"""Stability and scale figures of the themes on a labelled file (``consult evaluate
--stability``).

* **seeds**: themes for seeds 0-4; NMI against the labels (mean, standard deviation),
  mean adjusted Rand index (ARI) between every pair of seeds, number of themes, share of
  the largest theme next to the share of the largest label.
* **traditional**: the texts converted to traditional characters (OpenCC ``s2t``),
  segmented again (intake normalises them back) and clustered with seed 0: NMI, number
  of themes and ARI against the simplified run.
* **perturbed**: 5 % of the comments removed, or 5 % added (lightly edited copies of
  other comments): ARI of the remaining / original comments' themes against the full run,
  and the number of themes.
* **replicated**: the set copied ``replicate`` times, every copy lightly edited (each
  text, with probability 1/2, loses a short span, gains a common phrase, or is converted
  to traditional characters), clustered with seed 0: NMI, themes, largest share. Copies
  are clustered as separate comments (no campaign collapsing): the question is whether
  quality holds when the corpus is 20 times larger.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from worker.analysis.cluster import cluster_two_level
from worker.analysis.labelled import read_table, tokeniser

SEEDS = (0, 1, 2, 3, 4)
_PHRASES = ("希望尽快解决。", "谢谢！", "请相关部门重视。", "盼复。", "尊敬的领导：")


def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def light_edit(text: str, rng: random.Random, converter: Any) -> str:
    """One light edit (or none): drop a short span, add a phrase, or go traditional."""
    r = rng.random()
    if r < 0.5 or len(text) < 10:
        return text
    if r < 0.7:
        start = rng.randrange(len(text) - 5)
        return text[:start] + text[start + rng.randint(1, 5) :]
    if r < 0.9:
        phrase = rng.choice(_PHRASES)
        return phrase + text if phrase.endswith("：") else text + phrase
    return converter.convert(text)


def _themes(token_lists: Sequence[list[str]], seed: int) -> np.ndarray:
    return cluster_two_level(token_lists, seed=seed).theme_of


def _largest_share(labels: Sequence[Any]) -> float:
    _, counts = np.unique(np.asarray(labels), return_counts=True)
    return round(float(counts.max() / counts.sum()), 4)


def seed_figures(tokens: list[list[str]], labels: list[str]) -> tuple[dict[str, Any], np.ndarray]:
    """NMI per seed, its mean and standard deviation, mean pairwise ARI between seeds."""
    runs = [_themes(tokens, s) for s in SEEDS]
    nmis = [float(normalized_mutual_info_score(labels, t)) for t in runs]
    aris = [
        float(adjusted_rand_score(runs[i], runs[j]))
        for i in range(len(runs))
        for j in range(i + 1, len(runs))
    ]
    return {
        "nmi": [round(x, 4) for x in nmis],
        "nmi_mean": round(statistics.mean(nmis), 4),
        "nmi_std": round(statistics.pstdev(nmis), 4),
        "ari_between_seeds": round(statistics.mean(aris), 4),
        "n_themes": [int(t.max()) + 1 for t in runs],
        "largest_theme_share": [_largest_share(t) for t in runs],
    }, runs[0]


def perturbed_figures(
    texts: list[str], tokens: list[list[str]], base: np.ndarray, tokens_of: Any, s2t: Any, seed: int
) -> dict[str, Any]:
    """Themes after removing or adding 5 % of the comments, against the full run."""
    rng = random.Random(seed + 1)  # nosec B311  # seeded perturbation for an evaluation
    n = len(tokens)
    drop = set(rng.sample(range(n), n // 20))
    keep = [i for i in range(n) if i not in drop]
    removed = _themes([tokens[i] for i in keep], seed)
    extra = [tokens_of(light_edit(texts[rng.randrange(n)], rng, s2t)) for _ in range(n // 20)]
    added = _themes(tokens + extra, seed)
    return {
        "removed_5pct": {
            "ari_vs_full": round(float(adjusted_rand_score(base[keep], removed)), 4),
            "n_themes": int(removed.max()) + 1,
        },
        "added_5pct": {
            "ari_vs_full": round(float(adjusted_rand_score(base, added[:n])), 4),
            "n_themes": int(added.max()) + 1,
        },
    }


def stability_report(
    path: str, text_col: str, label_col: str, *, replicate: int = 20, seed: int = 0
) -> dict[str, Any]:
    """Seeds, traditional conversion and replicated-set figures (see module doc)."""
    start = time.perf_counter()
    texts, labels = read_table(path, text_col, label_col)
    tokens_of = tokeniser()
    tokens = [tokens_of(t) for t in texts]
    out: dict[str, Any] = {"n": len(texts), "largest_label_share": _largest_share(labels)}
    out["seeds"], base = seed_figures(tokens, labels)
    s2t = _s2t()
    trad = _themes([tokens_of(s2t.convert(t)) for t in texts], seed)
    out["traditional"] = {
        "nmi": round(float(normalized_mutual_info_score(labels, trad)), 4),
        "n_themes": int(trad.max()) + 1,
        "ari_vs_simplified": round(float(adjusted_rand_score(base, trad)), 4),
    }
    out["perturbed"] = perturbed_figures(texts, tokens, base, tokens_of, s2t, seed)
    if replicate > 1:
        rng = random.Random(seed)  # nosec B311  # seeded light edits for an evaluation, not a secret
        big = [light_edit(t, rng, s2t) for _ in range(replicate) for t in texts]
        big_labels = labels * replicate
        t0 = time.perf_counter()
        themes = _themes([tokens_of(t) for t in big], seed)
        out["replicated"] = {
            "copies": replicate,
            "n": len(big),
            "nmi": round(float(normalized_mutual_info_score(big_labels, themes)), 4),
            "n_themes": int(themes.max()) + 1,
            "largest_theme_share": _largest_share(themes),
            "seconds": round(time.perf_counter() - t0, 1),
        }
    out["seconds"] = round(time.perf_counter() - start, 1)
    return out
