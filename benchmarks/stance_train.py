"""Build ``worker/analysis/resources/stance_model.json`` (``python -m benchmarks.stance_train``).

Trains the stance model of ``worker/analysis/stance_model.py`` on the hand-labelled
*training* messages (``benchmarks/data/stance_train_labels.csv``: ids of rows 200-399 of
``../shared/data/gov_messages_labeled.csv`` shuffled with ``random.Random(13)``), never on
the 200 evaluation messages of ``stance_labels.csv`` (rows 0-199), which
``benchmarks/stance_benchmark.py`` scores. Classes are weighted equally (``--prior
balanced``, shipped: the training mix, 70 % complaints, is a message board's, not a
consultation's); ``--prior train`` keeps the mix. The regularisation C is chosen by 5-fold
stratified cross-validation on the training labels, of the whole decision (rules' support
and no-cue abstention included): the best macro-F1 (with ``train``, among the settings
whose accuracy beats always-the-majority-class); the
confidence threshold is the lowest at which the cross-validated decided calls are right
at least ``--target`` of the time. Prints the cross-validation figures as JSON; ``--write``
stores the model (about 30 weights per class; no text of the messages).
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

from worker.analysis.stance_model import classify, feature_names, features  # noqa: E402

TRAIN = ROOT / "benchmarks" / "data" / "stance_train_labels.csv"
EVAL = ROOT / "benchmarks" / "data" / "stance_labels.csv"
OUT = ROOT / "worker" / "analysis" / "resources" / "stance_model.json"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "gov_messages_labeled.csv"
MODEL_CLASSES = ("oppose", "question", "suggestion")
THRESHOLDS = (0.0, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)


def load(data: Path, labels: Path) -> list[tuple[str, str]]:
    """(text, gold stance) for every labelled id present in ``data``."""
    with open(data, encoding="utf-8", newline="") as fh:
        text_of = {r["id"]: r["text"] for r in csv.DictReader(fh)}
    with open(labels, encoding="utf-8", newline="") as fh:
        return [(text_of[r["id"]], r["stance"]) for r in csv.DictReader(fh) if r["id"] in text_of]


def fit(rows: list[tuple[str, str]], c: float, balanced: bool) -> dict[str, Any]:
    """A logistic model over ``features`` for the model classes, as stored in the JSON."""
    from sklearn.linear_model import LogisticRegression

    kept = [(t, g) for t, g in rows if g in MODEL_CLASSES]
    lr = LogisticRegression(C=c, class_weight="balanced" if balanced else None, max_iter=2000)
    lr.fit([features(t) for t, _ in kept], [g for _, g in kept])
    return {
        "features": feature_names(),
        "classes": [str(x) for x in lr.classes_],
        "intercept": [round(float(b), 6) for b in lr.intercept_],
        "coef": [[round(float(w), 6) for w in ws] for ws in lr.coef_],
        "threshold": 0.0,
    }


def scores(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the gold classes, per-class recall."""
    classes = sorted({g for g, _ in pairs})
    n = len(pairs)
    f1s, recall = [], {}
    for cl in classes:
        tp = sum(1 for g, p in pairs if g == cl and p == cl)
        fp = sum(1 for g, p in pairs if g != cl and p == cl)
        fn = sum(1 for g, p in pairs if g == cl and p != cl)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        recall[cl] = round(tp / (tp + fn), 3) if tp + fn else 0.0
    return {
        "accuracy": round(sum(g == p for g, p in pairs) / n, 3),
        "macro_f1": round(sum(f1s) / len(f1s), 3),
        "recall": recall,
    }


def coverage_table(calls: list[tuple[str, Any]]) -> dict[str, dict[str, float]]:
    """For each threshold: share of texts decided and accuracy of the decided ones."""
    out = {}
    for cut in THRESHOLDS:
        kept = [g == str(_cut(call, cut)) for g, call in calls if str(_cut(call, cut)) != "neutral"]
        out[str(cut)] = {
            "coverage": round(len(kept) / len(calls), 3),
            "accuracy": round(sum(kept) / len(kept), 3) if kept else 0.0,
        }
    return out


def _cut(call: Any, cut: float) -> str:
    if str(call.guess) in MODEL_CLASSES and call.confidence < cut:
        return "neutral"
    return str(call.guess)


def cross_validate(rows: list[tuple[str, str]], c: float, balanced: bool) -> list[tuple[str, Any]]:
    """(gold, call) for every training row, each predicted by a model not trained on it."""
    from sklearn.model_selection import StratifiedKFold

    golds = [g for _, g in rows]
    strata = [g if g in MODEL_CLASSES else "oppose" for g in golds]
    calls: list[tuple[str, Any]] = [("", None)] * len(rows)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(rows, strata):
        model = fit([rows[i] for i in train], c, balanced)
        for i in test:
            calls[i] = (golds[i], classify(rows[i][0], threshold=0.0, model=model))
    return calls


def main(data: Path, target: float, write: bool, prior: str = "balanced") -> dict[str, Any]:
    rows = load(data, TRAIN)
    grid = {}
    for c in (0.1, 0.3, 1.0, 3.0, 10.0):
        for balanced in (False, True):
            s = scores([(g, str(call.stance)) for g, call in cross_validate(rows, c, balanced)])
            grid[f"C={c},balanced={balanced}"] = s
    majority = max(Counter(g for _, g in rows).values()) / len(rows)
    if prior == "balanced":
        # Classes weighted equally: the model learns what the cues say, not that 70 % of
        # the training messages are complaints (a consultation's mix is not known).
        best = max((k for k in grid if k.endswith("True")), key=lambda k: grid[k]["macro_f1"])
    else:
        # The training prior kept: the best macro-F1 among the settings whose accuracy
        # beats always-the-majority-class (if none, the best accuracy).
        above = [k for k in grid if k.endswith("False") and grid[k]["accuracy"] > majority]
        best = (max(above, key=lambda k: grid[k]["macro_f1"]) if above
                else max(grid, key=lambda k: grid[k]["accuracy"]))  # fmt: skip
    c = float(best.split(",")[0][2:])
    balanced = best.endswith("True")
    calls = cross_validate(rows, c, balanced)
    table = coverage_table(calls)
    threshold = next((float(t) for t in table if table[t]["accuracy"] >= target), 0.0)
    model = fit(rows, c, balanced)
    model["threshold"] = threshold
    model["trained_on"] = f"{TRAIN.name}: {len(rows)} messages, {best}"
    if write:
        OUT.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return {
        "n_train": len(rows),
        "train_majority_accuracy": round(majority, 3),
        "chosen": best,
        "threshold": threshold,
        "cv_5fold": grid[best],
        "cv_grid": grid,
        "cv_coverage_by_threshold": table,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--target", type=float, default=0.75,
                        help="accuracy the decided calls must reach in cross-validation")  # fmt: skip
    parser.add_argument("--write", action="store_true", help="store the model JSON")
    parser.add_argument("--prior", choices=("balanced", "train"), default="balanced",
                        help="weigh classes equally (shipped) or keep the training mix")  # fmt: skip
    args = parser.parse_args()
    print(json.dumps(main(args.data, args.target, args.write, args.prior), ensure_ascii=False))
