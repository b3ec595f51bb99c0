"""Stance accuracy on 200 hand-labelled real messages (``python -m benchmarks.stance_benchmark``).

``benchmarks/data/stance_labels.csv`` holds only message ids (rows of
``../shared/data/gov_messages_labeled.csv``, which is not redistributed) and the stance a
reader gave each message; how they were labelled is in docs/clustering.md. Prints one
JSON line: accuracy of ``stance.stance_of``, of the majority-class baseline, per-class
recall and the confusion counts (gold -> predicted).
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

from worker.analysis.stance import stance_of  # noqa: E402

LABELS = ROOT / "benchmarks" / "data" / "stance_labels.csv"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "gov_messages_labeled.csv"


def run(data: Path = DEFAULT_DATA) -> dict[str, Any]:
    with open(data, encoding="utf-8", newline="") as fh:
        text_of = {r["id"]: r["text"] for r in csv.DictReader(fh)}
    with open(LABELS, encoding="utf-8", newline="") as fh:
        gold = [(r["id"], r["stance"]) for r in csv.DictReader(fh)]
    pairs = [(g, str(stance_of(text_of[i]))) for i, g in gold if i in text_of]
    n = len(pairs)
    majority = Counter(g for g, _ in pairs).most_common(1)[0]
    confusion = Counter(f"{g}->{p}" for g, p in pairs)
    recall = {
        c: round(sum(1 for g, p in pairs if g == c and p == c) / k, 3)
        for c, k in sorted(Counter(g for g, _ in pairs).items())
    }
    return {
        "n": n,
        "accuracy": round(sum(g == p for g, p in pairs) / n, 3),
        "majority_baseline": round(majority[1] / n, 3),
        "recall": recall,
        "predicted": dict(sorted(Counter(p for _, p in pairs).items())),
        "confusion": dict(sorted(confusion.items())),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    print(json.dumps(run(parser.parse_args().data), ensure_ascii=False))
