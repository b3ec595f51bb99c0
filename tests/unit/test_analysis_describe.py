"""Group descriptions: phrase labels, distinctive keywords, diverse representatives."""

import numpy as np
import scipy.sparse as sp

from worker.analysis.describe import class_tfidf, key_phrase, mmr, stance_mix, top_keywords


def test_label_is_a_phrase_shared_by_many_members():
    docs = [
        ["加装", "电梯", "补贴", "太少"],
        ["希望", "加装", "电梯", "补贴", "提高"],
        ["加装", "电梯", "补贴", "标准"],
        ["低楼层", "反对", "加装", "电梯"],
    ]
    scores = {"加装": 1.0, "电梯": 1.0, "补贴": 0.8, "低楼层": 0.5}
    assert key_phrase(docs, scores) == "加装电梯补贴"


def test_phrase_must_recur_and_latin_words_keep_spaces():
    assert key_phrase([["营商环境", "优化"], ["放管服", "改革"]], {"营商环境": 1.0}) is None
    docs = [["open", "data", "平台"], ["open", "data", "开放"]]
    assert key_phrase(docs, {"open": 1.0, "data": 1.0}) == "open data"


def test_class_tfidf_prefers_terms_distinctive_of_a_group():
    vocab = ["停车", "小区", "养老金"]
    rows = [[1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 1, 1]]
    tfidf = sp.csr_matrix(np.array(rows, dtype=np.float32))
    scores = class_tfidf(tfidf, np.array([0, 0, 1, 1]), 2, np.ones(4))
    assert top_keywords(scores[0], vocab, 1) == ["停车"]
    assert top_keywords(scores[1], vocab, 1) == ["养老金"]


def test_representatives_are_central_and_not_duplicates():
    vecs = np.array([[1, 0], [1, 0], [0.8, 0.6], [0, 1], [0.9, 0.1]], dtype=float)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    reps = mmr(vecs, np.arange(5), np.ones(5), k=2, diversity=0.5)
    assert len(reps) == 2
    assert not {0, 1} <= set(reps)  # two identical vectors are not both shown


def test_stance_mix_counts_multiplicity():
    assert stance_mix(["oppose", "support", "oppose"], [10, 1, 1]) == {"oppose": 11, "support": 1}
