"""Themes against labels with and without sending outliers to 其他/未归类 (``worker.analysis.outliers``).

    OMP_NUM_THREADS=1 python -m benchmarks.outlier_benchmark ../shared/data/gov_messages_labeled.csv

Prints one JSON line: NMI of ``cluster_two_level``'s themes (what ``consult evaluate`` scores),
NMI of the themes after the outlier step (the unassigned group counted as one more cluster, as a
digest shows it), and how many comments the step moved. The clustering is deterministic, so one
run stands for the 5 seeds of ``consult evaluate --stability``.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.metrics import normalized_mutual_info_score

from worker.analysis.cluster import cluster_two_level
from worker.analysis.labelled import read_table, tokeniser
from worker.analysis.outliers import unassign_outliers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--label-col", default="label")
    args = parser.parse_args()
    texts, labels = read_table(args.path, args.text_col, args.label_col)
    tokens = tokeniser()
    clustering = cluster_two_level([tokens(t) for t in texts])
    after = unassign_outliers(clustering, np.ones(len(texts)))
    moved = int((after.theme_of != clustering.theme_of).sum()) if after is not clustering else 0
    labels_kept = [
        lab
        for lab, t in zip(labels, after.theme_of, strict=True)
        if t not in after.unassigned_themes
    ]
    themes_kept = [t for t in after.theme_of if t not in after.unassigned_themes]
    print(
        json.dumps(
            {
                "n": len(texts),
                "themes": clustering.n_themes,
                "nmi_before": round(
                    float(normalized_mutual_info_score(labels, clustering.theme_of)), 4
                ),
                "nmi_after": round(float(normalized_mutual_info_score(labels, after.theme_of)), 4),
                "nmi_after_assigned_only": round(
                    float(normalized_mutual_info_score(labels_kept, themes_kept)), 4
                ),
                "moved_to_unassigned": moved,
                "unassigned_share": round(
                    float(np.isin(after.theme_of, list(after.unassigned_themes)).mean()), 4
                ),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
