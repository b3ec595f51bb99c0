"""Two-level clustering on synthetic corpora with known topics."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import homogeneity_score, normalized_mutual_info_score

from worker.analysis.cluster import TwoLevelClustering, cluster_two_level, damp_weights
from worker.analysis.vectorise import build_tfidf, keep_token, lsa

TOPICS = {
    "housing": "物业 小区 业主 停车费 电梯 维修 基金 开发商 交房 房产证 车位 绿化",
    "school": "学校 学生 老师 教育 招生 学位 课外 培训 校车 食堂 作业 家长",
    "health": "医院 医生 患者 医保 报销 药品 挂号 门诊 护士 疫苗 体检 住院",
    "traffic": "公交 线路 红绿灯 路口 拥堵 地铁 站点 出租车 驾驶 违章 停车场 高速",
    "environment": "噪音 污染 排放 垃圾 焚烧 河道 异味 粉尘 工地 扰民 废水 油烟",
}
FILLER = [
    "希望",
    "领导",
    "重视",
    "反映",
    "情况",
    "相关",
    "部门",
    "尽快",
    "解决",
    "我们",
    "市民",
    "请求",
]


def corpus(
    per_topic: int, topics: list[str] | None = None, seed: int = 0
) -> tuple[list[list[str]], list[int]]:
    rng = np.random.default_rng(seed)
    names = topics or list(TOPICS)
    docs, truth = [], []
    for t, name in enumerate(names):
        vocab = TOPICS[name].split()
        for _ in range(per_topic):
            own = list(rng.choice(vocab, rng.integers(4, 9)))
            noise = list(rng.choice(FILLER, rng.integers(2, 6)))
            docs.append(own + noise)
            truth.append(t)
    order = rng.permutation(len(docs))
    return [docs[i] for i in order], [truth[i] for i in order]


def assert_consistent(r: TwoLevelClustering, n: int) -> None:
    assert r.theme_of.shape == (n,) and r.issue_of.shape == (n,)
    assert r.doc_vectors.shape[0] == n and r.doc_vectors.dtype == np.float32
    assert r.tfidf.shape[0] == n
    if n == 0:
        assert r.n_themes == 0 and r.n_issues == 0
        return
    # Themes and issues are dense 0..k-1 and every issue lies inside one theme.
    assert set(r.theme_of.tolist()) == set(range(r.n_themes))
    assert set(r.issue_of.tolist()) == set(range(r.n_issues))
    assert len(r.issue_theme) == r.n_issues
    for doc in range(n):
        assert r.issue_theme[r.issue_of[doc]] == r.theme_of[doc]


def test_recovers_topics_without_k() -> None:
    docs, truth = corpus(60)
    r = cluster_two_level(docs, seed=0)
    assert_consistent(r, len(docs))
    assert r.n_themes == len(TOPICS)
    assert normalized_mutual_info_score(truth, r.theme_of) > 0.9


def test_recovers_two_topics() -> None:
    docs, truth = corpus(80, ["school", "health"])
    r = cluster_two_level(docs, seed=3)
    assert r.n_themes == 2
    assert normalized_mutual_info_score(truth, r.theme_of) > 0.9


def test_deterministic_for_fixed_seed() -> None:
    docs, _ = corpus(40)
    a = cluster_two_level(docs, seed=7)
    b = cluster_two_level(docs, seed=7)
    np.testing.assert_array_equal(a.theme_of, b.theme_of)
    np.testing.assert_array_equal(a.issue_of, b.issue_of)
    assert a.issue_theme == b.issue_theme
    np.testing.assert_array_equal(a.doc_vectors, b.doc_vectors)


def test_a_rebuild_with_another_seed_gives_the_same_themes() -> None:
    docs, _ = corpus(40)
    a = cluster_two_level(docs, seed=0)
    b = cluster_two_level(docs, seed=5)
    np.testing.assert_array_equal(a.theme_of, b.theme_of)
    np.testing.assert_array_equal(a.issue_of, b.issue_of)


def test_doc_vectors_are_unit_length() -> None:
    docs, _ = corpus(30)
    r = cluster_two_level(docs)
    np.testing.assert_allclose(np.linalg.norm(r.doc_vectors, axis=1), 1.0, atol=1e-5)
    assert r.tfidf.shape[1] == len(r.vocabulary)


def test_themes_numbered_by_size() -> None:
    docs, _ = corpus(50, ["school"])
    more, _ = corpus(150, ["traffic"], seed=1)
    r = cluster_two_level(docs + more)
    sizes = np.bincount(r.theme_of)
    assert list(sizes) == sorted(sizes, reverse=True)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8])
def test_tiny_inputs(n: int) -> None:
    docs, _ = corpus(2)
    r = cluster_two_level(docs[:n])
    assert_consistent(r, n)


def test_empty_token_lists() -> None:
    docs, _ = corpus(20)
    docs = docs + [[], [], ["，", "123"]]
    r = cluster_two_level(docs)
    assert_consistent(r, len(docs))
    # Documents without a usable term share their own last theme.
    tail = r.theme_of[-3:]
    assert len(set(tail.tolist())) == 1 and tail[0] == r.n_themes - 1
    assert not np.any(r.theme_of[:-3] == tail[0])


def test_only_empty_documents() -> None:
    r = cluster_two_level([[], []])
    assert_consistent(r, 2)
    assert r.n_themes == 1 and r.n_issues == 1


def test_all_identical_documents() -> None:
    docs = [["物业", "停车费", "小区"]] * 50
    r = cluster_two_level(docs)
    assert_consistent(r, 50)
    assert r.n_themes == 1 and r.n_issues == 1


def test_issues_recover_subtopics() -> None:
    # Shared housing words plus one of three sub-vocabularies: whether the sub-topics
    # come out as themes or as issues of one theme, the issues must separate them.
    rng = np.random.default_rng(0)
    shared = TOPICS["housing"].split()
    subs = ["电梯 故障 停运 困人", "涨价 收费 乱收 标准", "树木 草坪 修剪 枯死"]
    docs, truth = [], []
    for s, sub in enumerate(subs):
        for _ in range(60):
            docs.append(list(rng.choice(shared, 4)) + list(rng.choice(sub.split(), 3)))
            truth.append(s)
    r = cluster_two_level(docs)
    assert_consistent(r, len(docs))
    assert r.n_issues >= 3
    # Issues may be finer than the sub-topics, but none may mix them.
    assert homogeneity_score(truth, r.issue_of) > 0.9


def test_weights_none_equals_ones() -> None:
    docs, _ = corpus(30)
    a = cluster_two_level(docs, seed=1)
    b = cluster_two_level(docs, seed=1, weights=[1.0] * len(docs))
    np.testing.assert_array_equal(a.theme_of, b.theme_of)
    np.testing.assert_array_equal(a.issue_of, b.issue_of)


def test_heavy_campaign_does_not_swamp_themes() -> None:
    docs, truth = corpus(50)
    weights = np.ones(len(docs))
    weights[0] = 100_000  # one form letter sent a hundred thousand times
    r = cluster_two_level(docs, seed=0, weights=weights)
    assert r.n_themes == len(TOPICS)
    assert normalized_mutual_info_score(truth, r.theme_of) > 0.9


def test_weights_count_in_theme_order() -> None:
    # Two equal topics: the one carrying heavy campaigns becomes theme 0.
    docs_a, _ = corpus(60, ["health"])
    docs_b, _ = corpus(60, ["traffic"], seed=1)
    docs = docs_a + docs_b
    heavy_second = np.r_[np.ones(60), np.full(60, 50.0)]
    r = cluster_two_level(docs, weights=heavy_second)
    assert r.theme_of[60:].tolist() == [0] * 60
    heavy_first = heavy_second[::-1]
    r = cluster_two_level(docs, weights=heavy_first)
    assert r.theme_of[:60].tolist() == [0] * 60


def test_damp_weights() -> None:
    w = damp_weights([1, 0, 500], 3)
    assert w[0] == w[1] == 1.0
    assert 1.0 < w[2] < 10.0
    with pytest.raises(ValueError):
        damp_weights([1, 2], 3)
    with pytest.raises(ValueError):
        damp_weights([1, -1, 2], 3)


def test_token_filter() -> None:
    assert keep_token("停车费")
    assert not keep_token("的")  # single characters carry no topic
    assert not keep_token("A3")
    assert not keep_token("2019")
    assert not keep_token("，。")


def test_tfidf_drops_generic_terms() -> None:
    docs, _ = corpus(30)
    docs = [d + ["希望"] for d in docs]
    t = build_tfidf(docs, max_df=0.2)
    # A word in every document is too generic to separate themes.
    assert "希望" not in t.vocabulary
    assert "物业" in t.vocabulary
    z = lsa(t.matrix, n_components=10)
    assert z.shape == (len(docs), 10)


def test_comments_posted_several_times_are_grouped_like_the_originals() -> None:
    from sklearn.metrics import adjusted_rand_score

    docs, _ = corpus(30, ["housing", "school", "health"], seed=5)
    once = cluster_two_level(docs)
    thrice = cluster_two_level(docs * 3)
    n = len(docs)
    # Every copy sits with its original, and the originals are grouped as before.
    for copy in (1, 2):
        assert np.array_equal(thrice.theme_of[:n], thrice.theme_of[copy * n : (copy + 1) * n])
        assert np.array_equal(thrice.issue_of[:n], thrice.issue_of[copy * n : (copy + 1) * n])
    assert thrice.n_themes == once.n_themes
    assert adjusted_rand_score(once.theme_of, thrice.theme_of[:n]) >= 0.95


def test_distinct_units() -> None:
    from worker.analysis.units import distinct_units

    unit_of, first = distinct_units([["a", "b"], ["c"], ["a", "b"], [], ["ab"], []])
    assert unit_of.tolist() == [0, 1, 0, 2, 3, 2]
    assert first.tolist() == [0, 1, 3, 4]


def test_the_same_comments_in_another_order_give_the_same_themes_and_issues() -> None:
    """Two installs load one plan's comments in different orders (or a rebuild reads them in
    another order): the digest must not change. Demo comments of a 280-opinion plan, whose
    groups k-means can cut in more than one way."""
    from consult.demo.comments import _split, generate_comments
    from worker.analysis.segment import Segmenter

    key = "yiwangtongban"
    texts = [c.text for c in generate_comments(key, [k for k, _n, _l in _split(key)], 280, seed=3)]
    tokens = Segmenter().tokens_many(texts)
    order = np.random.default_rng(1).permutation(len(texts))
    a = cluster_two_level(tokens)
    b = cluster_two_level([tokens[i] for i in order])
    np.testing.assert_array_equal(a.theme_of[order], b.theme_of)
    np.testing.assert_array_equal(a.issue_of[order], b.issue_of)
    np.testing.assert_array_equal(a.doc_vectors[order], b.doc_vectors)
    assert (a.tfidf[order] != b.tfidf).nnz == 0
