"""Stance accuracy on 200 hand-labelled real messages (``python -m benchmarks.stance_benchmark``).

``benchmarks/data/stance_labels.csv`` holds only message ids (rows of
``../shared/data/gov_messages_labeled.csv``, which is not redistributed) and the stance a
reader gave each message; how they were labelled is in docs/clustering.md. Prints one
JSON line: accuracy and macro-F1 of ``stance.stance_of`` next to the majority-class
baseline's (always the most frequent stance), per-class recall, the confusion counts
(gold -> predicted), and accuracy by the rules' margin (winning score minus the
runner-up's): how far a confident-looking call can be trusted.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.stance_train import THRESHOLDS, coverage_table, scores  # noqa: E402
from worker.analysis.stance import analyse_stance  # noqa: E402
from worker.analysis.stance_model import classify  # noqa: E402

LABELS = ROOT / "benchmarks" / "data" / "stance_labels.csv"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "gov_messages_labeled.csv"


def run(data: Path = DEFAULT_DATA) -> dict[str, Any]:
    with open(data, encoding="utf-8", newline="") as fh:
        text_of = {r["id"]: r["text"] for r in csv.DictReader(fh)}
    with open(LABELS, encoding="utf-8", newline="") as fh:
        gold = [(r["id"], r["stance"]) for r in csv.DictReader(fh)]
    results = [(g, analyse_stance(text_of[i])) for i, g in gold if i in text_of]
    pairs = [(g, str(r.stance)) for g, r in results]
    n = len(pairs)
    majority = Counter(g for g, _ in pairs).most_common(1)[0]
    classes = sorted({g for g, _ in pairs})
    confusion = Counter(f"{g}->{p}" for g, p in pairs)
    recall = {
        c: round(sum(1 for g, p in pairs if g == c and p == c) / k, 3)
        for c, k in sorted(Counter(g for g, _ in pairs).items())
    }
    return {
        "n": n,
        "accuracy": round(sum(g == p for g, p in pairs) / n, 3),
        "majority_baseline": round(majority[1] / n, 3),
        "macro_f1": macro_f1(pairs, classes),
        "majority_macro_f1": macro_f1([(g, majority[0]) for g, _ in pairs], classes),
        "by_margin": by_margin(results),
        "recall": recall,
        "predicted": dict(sorted(Counter(p for _, p in pairs).items())),
        "confusion": dict(sorted(confusion.items())),
        "model": model_figures([(g, text_of[i]) for i, g in gold if i in text_of]),
        "demo_generated": demo_figures(),
    }


def demo_figures() -> dict[str, Any]:
    """Rules and model on comments the demo generator writes (300 per demo plan, seed 1).

    Consultation comments, the product's home, but synthetic: each is built from a phrase
    the generator files under a stance, so this is a check of transfer, not of accuracy.
    """
    from consult.demo.comments import _VOICES, generate_comments

    items = [c for key in _VOICES for c in generate_comments(key, [], 300, 1)]
    gold = ["suggestion" if c.stance == "suggest" else c.stance for c in items]
    return {
        "n": len(items),
        "rules": scores(
            [(g, str(analyse_stance(c.text).stance)) for g, c in zip(gold, items, strict=True)]
        ),
        "model_all_calls": scores(
            [
                (g, str(classify(c.text, threshold=0.0).stance))
                for g, c in zip(gold, items, strict=True)
            ]
        ),
        "model_with_threshold": scores(
            [(g, str(classify(c.text).stance)) for g, c in zip(gold, items, strict=True)]
        ),
    }


def model_figures(rows: list[tuple[str, str]]) -> dict[str, Any]:
    """The shipped model (``stance_model.classify``) on the same held-out messages.

    ``all_calls``: every call made (its guess), abstention off; ``with_threshold``: the
    shipped threshold, a call below it counted as 未判定 (wrong, in accuracy);
    ``decided``: coverage and accuracy of the calls kept, for each threshold.
    """
    calls = [(g, classify(t, threshold=0.0)) for g, t in rows]
    shipped = [(g, classify(t)) for g, t in rows]
    kept = [(g, str(c.stance)) for g, c in shipped if c.stance != "neutral"]
    return {
        "all_calls": scores([(g, str(c.stance)) for g, c in calls]),
        "with_threshold": scores([(g, str(c.stance)) for g, c in shipped]),
        "threshold": _threshold(),
        "decided_at_threshold": {
            "coverage": round(len(kept) / len(rows), 3),
            "accuracy": round(sum(g == p for g, p in kept) / len(kept), 3) if kept else 0.0,
        },
        "decided": coverage_table(calls),
        "thresholds": list(THRESHOLDS),
        "predicted": dict(sorted(Counter(str(c.stance) for _, c in calls).items())),
    }


def _threshold() -> float:
    from worker.analysis.stance_model import _model

    return float(_model()["threshold"])


def macro_f1(pairs: list[tuple[str, str]], classes: list[str]) -> float:
    """Mean F1 over the gold classes (a prediction outside them only costs precision)."""
    f1s = []
    for c in classes:
        tp = sum(1 for g, p in pairs if g == c and p == c)
        fp = sum(1 for g, p in pairs if g != c and p == c)
        fn = sum(1 for g, p in pairs if g == c and p != c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return round(sum(f1s) / len(f1s), 3)


def by_margin(results: list[tuple[str, Any]]) -> dict[str, dict[str, float]]:
    """Coverage and accuracy of the calls whose margin is at least 0, 1, 2, 3."""
    out = {}
    for low in (0, 1, 2, 3):
        kept = []
        for g, r in results:
            top = sorted(r.scores.values(), reverse=True)
            if top[0] > 0 and top[0] - top[1] >= low:
                kept.append(g == str(r.stance))
        out[f">={low}"] = {"coverage": round(len(kept) / len(results), 3),
                           "accuracy": round(sum(kept) / len(kept), 3) if kept else 0.0}  # fmt: skip
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    print(json.dumps(run(parser.parse_args().data), ensure_ascii=False))
