"""Comments that name nothing their theme is about go to 其他/未归类, not into a wrong theme."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from worker.analysis.cluster import TwoLevelClustering
from worker.analysis.outliers import unassign_outliers
from worker.analysis.phrasing import strip_preamble, summary_sentence
from worker.analysis.summarise import summary_of

VOCAB = ["容错", "情形", "认定", "打卡", "晒图", "规定", "基层"]


def _clustering(docs: list[list[str]], themes: list[int]) -> TwoLevelClustering:
    rows = [[VOCAB.index(t) for t in d] for d in docs]
    data = [1.0 for r in rows for _ in r]
    tfidf = sp.csr_matrix((data, ([i for i, r in enumerate(rows) for _ in r], [c for r in rows for c in r])),
                          shape=(len(docs), len(VOCAB)))  # fmt: skip
    labels = np.asarray(themes)
    return TwoLevelClustering(theme_of=labels, issue_of=labels.copy(), issue_theme=sorted(set(themes)),
                              doc_vectors=np.eye(len(docs)), tfidf=tfidf, vocabulary=VOCAB)  # fmt: skip


def test_a_generic_approval_leaves_the_theme_for_the_unassigned_group() -> None:
    topic_a = [
        ["容错", "情形"],
        ["容错", "认定"],
        ["容错"],
        ["容错", "情形"],
        ["认定", "容错"],
        ["容错"],
    ]
    topic_b = [
        ["打卡", "晒图"],
        ["打卡"],
        ["晒图", "打卡"],
        ["打卡", "基层"],
        ["晒图"],
        ["打卡", "晒图"],
    ]
    generic = [["规定"], ["基层"]]  # "为基层干部说话的规定，支持。", "基层的事。"
    docs = topic_a * 2 + generic + topic_b
    clustering = _clustering(docs, [0] * 14 + [1] * 6)
    after = unassign_outliers(clustering, np.ones(len(docs)))
    unassigned = np.isin(after.theme_of, list(after.unassigned_themes))
    assert np.flatnonzero(unassigned).tolist() == [12, 13]
    # The topics themselves are untouched and keep their own theme.
    assert len(set(after.theme_of[:12])) == 1 and len(set(after.theme_of[14:])) == 1
    assert after.theme_of[0] != after.theme_of[14]
    assert after.issue_theme[after.issue_of[12]] in after.unassigned_themes


def test_a_coherent_clustering_is_left_as_it_is() -> None:
    docs = [["容错", "情形"], ["容错"], ["容错", "认定"], ["容错"], ["容错", "情形"],
            ["打卡"], ["打卡", "晒图"], ["晒图", "打卡"], ["打卡"], ["晒图"]]  # fmt: skip
    clustering = _clustering(docs, [0] * 5 + [1] * 5)
    assert unassign_outliers(clustering, np.ones(len(docs))) is clustering


def test_summaries_and_quotes_drop_clause_references_salutations_and_enumerations() -> None:
    for raw, clean in [
        (
            "第二部分（三）第3条：信用修复机制很关键，企业犯过一次小错不应该被一直卡着。",
            "信用修复机制很关键",
        ),
        ("我看了第十二条，容错认定程序恐怕又是走过场。", "容错认定程序"),
        ("对第十一条的意见：“同类错误经提醒后仍然发生”太模糊。", "“同类错误"),
        ("各位领导：我是一名基层干部，恳请明确写上严禁打卡晒图。", "我是一名基层干部"),
        ("三是建议信用修复实行一网通办，各平台同步撤下公示信息。", "建议信用修复"),
    ]:
        assert strip_preamble(raw).startswith(clean), raw
        assert summary_sentence([raw]).startswith(clean), raw
        assert summary_of([raw], {"信用": 1.0, "容错": 1.0, "打卡": 1.0, "同类": 1.0}).startswith(
            clean
        ), raw
    # A number that is the point stays.
    assert strip_preamble("30日内书面答复，程序很完整。") == "30日内书面答复，程序很完整。"
