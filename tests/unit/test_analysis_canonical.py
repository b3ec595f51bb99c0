"""Traditional and simplified spellings of a comment give the same clustering features."""

import numpy as np
import opencc
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform

from worker.analysis import cluster
from worker.analysis.normalise import canonical_text, normalise
from worker.analysis.segment import Segmenter

S2T = opencc.OpenCC("s2t")

SIMPLIFIED = [
    "我不敢想象小区加装电梯还要等三年，家具都没法搬上楼。",
    "建议简化行政审批流程，减少企业跑腿次数。",
    "老旧小区改造后停车位更难找了，希望增设停车场。",
]


def test_traditional_and_simplified_give_identical_tokens():
    seg = Segmenter()
    for text in SIMPLIFIED:
        assert seg.tokens(S2T.convert(text)) == seg.tokens(text)


def test_variants_t2s_keeps_are_unified():
    # t2s alone turns 想像 (how 想象 is written in traditional) into 想像, not 想象.
    assert normalise(S2T.convert("想象")) != normalise("想象")
    assert canonical_text(S2T.convert("想象")) == canonical_text("想象")
    assert canonical_text(S2T.convert("家具")) == canonical_text("家具")


def test_canonical_text_keeps_plain_text_and_ascii():
    assert canonical_text("Hello  World") == "hello world"
    assert canonical_text("") == ""
    assert canonical_text("建议增设停车场") == "建议增设停车场"


def _tree(coassoc):
    dist = 1.0 - coassoc
    np.fill_diagonal(dist, 0.0)
    return linkage(squareform(dist, checks=False), method="average")


def test_cut_at_fixed_coassociation_and_small_clusters_folded():
    # Micro-clusters 0-1 and 2-3 are together in 90 % of runs, the two pairs in 10 %;
    # micro-cluster 4 (one document) is alone but closer to 2-3.
    co = np.array(
        [
            [1.0, 0.9, 0.1, 0.1, 0.0],
            [0.9, 1.0, 0.1, 0.1, 0.0],
            [0.1, 0.1, 1.0, 0.9, 0.3],
            [0.1, 0.1, 0.9, 1.0, 0.3],
            [0.0, 0.0, 0.3, 0.3, 1.0],
        ]
    )
    sizes = np.array([50.0, 50.0, 50.0, 50.0, 1.0])
    level = cluster._Level(max_micro=10, runs=1, k_low=2, k_high=2, min_clusters=2,
                           max_clusters=12, sample=10, cut=0.8, min_share=0.02)  # fmt: skip
    labels = cluster._cut_at(_tree(co), co, sizes, level, 0.8)
    assert labels[0] == labels[1] != labels[2]
    assert labels[2] == labels[3] == labels[4]
    assert labels.max() == 1


T2S = opencc.OpenCC("t2s")


def test_round_trip_is_skipped_only_where_it_changes_nothing():
    from worker.analysis.normalise import needs_conversion

    # Simplified text the round trip leaves alone (回复, 了解 come back as they were) is not converted.
    for plain in ["建议简化行政审批流程", "经了解，已回复市民", "答复如下"]:
        assert not needs_conversion(plain)
        assert T2S.convert(S2T.convert(plain)) == plain
    # Words the round trip changes (想象 → 想像, 由于单 → 由於单), and traditional text.
    for text in ["后果不堪想象", "由于单位原因", "這個問題"]:
        assert needs_conversion(text)
        assert canonical_text(text) == normalise(S2T.convert(text))
