"""build_digest on synthetic comments: coverage, determinism, campaigns, storage, change."""

import json
import random
from datetime import datetime, timedelta

import pytest

from worker.analysis.pipeline import ClauseRef, DigestDoc, DigestResult, build_digest
from worker.analysis.results import CLAUSE_CONFIDENCE_MIN
from worker.analysis.segment import Segmenter

TOPICS = {
    "电梯": ["老旧小区", "加装电梯", "补贴", "低楼层", "业主", "协商"],
    "停车": ["停车难", "停车位", "收费", "违章停车", "小区", "车位"],
    "养老": ["养老金", "延迟退休", "退休年龄", "弹性退休", "缴费", "职工"],
    "学校": ["学位紧张", "划片入学", "新建学校", "家长", "小学", "跨区"],
}
GENERAL = [
    "社区",
    "街道",
    "物业",
    "居委会",
    "政府",
    "部门",
    "群众",
    "居民",
    "费用",
    "标准",
    "政策",
    "时间",
    "安全",
    "管理",
    "服务",
    "设施",
    "规划",
    "建设",
    "维修",
    "投诉",
    "监督",
    "落实",
    "公开",
    "透明",
    "方案",
    "程序",
    "申请",
    "审批",
    "资金",
    "预算",
    "效率",
    "质量",
    "环境",
    "秩序",
]
LETTER = "坚决反对在我们小区旁边建设垃圾中转站，选址离住宅太近，夏天臭味严重，请重新论证选址并公开环评报告"


def _docs(seed: int = 1, n_per_topic: int = 60, copies: int = 40) -> list[DigestDoc]:
    rng = random.Random(seed)
    seg = Segmenter()
    texts = []
    for words in TOPICS.values():
        for _ in range(n_per_topic):
            picked = rng.sample(words, 4)
            verb = rng.choice(["建议", "希望", "反对", "支持", "请问能否"])
            extra = "、".join(rng.sample(GENERAL, 4))
            texts.append(
                f"{verb}{picked[0]}和{picked[1]}的问题尽快解决，{picked[2]}{picked[3]}，"
                f"还涉及{extra}等方面。"
            )
    for k in range(copies):
        texts.append(LETTER + ("" if k % 2 else f"我的电话是1391234{k:04d}。"))
    texts += ["。。。", "？", "好"]  # no usable words
    rng.shuffle(texts)
    start = datetime(2025, 3, 1)
    return [
        DigestDoc(id=1000 + i, tokens=seg.tokens(t), text=t, created_at=start + timedelta(hours=i))
        for i, t in enumerate(texts)
    ]


@pytest.fixture(scope="module")
def docs():
    return _docs()


@pytest.fixture(scope="module")
def digest(docs):
    return build_digest(docs, seed=3)


def test_every_document_is_in_exactly_one_issue(docs, digest):
    seen = [d for _, _, issue in digest.issues() for d in issue.member_ids]
    assert sorted(seen) == sorted(d.id for d in docs)
    assert set(digest.assignments) == {d.id for d in docs}
    for doc_id, (t, i) in digest.assignments.items():
        assert doc_id in digest.themes[t].issues[i].member_ids
    assert sum(th.size for th in digest.themes) == len(docs)


def test_campaign_is_found_once_with_its_size(digest):
    assert len(digest.campaigns) == 1
    camp = digest.campaigns[0]
    assert camp.size == 40
    assert len(camp.member_ids) == 40
    assert "垃圾中转站" in camp.representative_text
    assert "13912340" not in camp.representative_text
    assert camp.first_at <= camp.last_at
    # The whole campaign sits in one issue and counts 40 times in its size.
    t, i = camp.theme, camp.issue
    issue = digest.themes[t].issues[i]
    assert set(camp.member_ids) <= set(issue.member_ids)
    assert issue.campaign_count == 1
    assert digest.stats["units"] == digest.stats["documents"] - 39


def test_result_is_deterministic_for_a_seed(docs, digest):
    again = build_digest(docs, seed=3)
    assert again.to_dict() | {"stats": None} == digest.to_dict() | {"stats": None}


def test_themes_have_labels_keywords_stance_and_representatives(digest):
    for theme in digest.themes:
        assert theme.label
        for issue in theme.issues:
            assert issue.label
            assert set(issue.representative_ids) <= set(issue.member_ids)
            assert sum(issue.stance_counts.values()) == issue.size
            assert 0 < issue.share <= 1
    labels = " ".join(th.label + " " + " ".join(th.keywords) for th in digest.themes)
    for word in ["电梯", "停车", "退休", "学"]:
        assert word in labels


def test_round_trip_through_json(digest):
    data = json.loads(json.dumps(digest.to_dict(), ensure_ascii=False))
    back = DigestResult.from_dict(data)
    assert back.to_dict() == digest.to_dict()
    assert back.assignments == digest.assignments


def test_stored_result_holds_every_field_of_the_result(digest):
    # to_dict is written out by hand (asdict was seconds at 100k): nothing may go missing.
    from dataclasses import asdict

    from worker.analysis.results import Change

    digest.themes[0].issues[0].change = Change("grown", 3, 2, "旧标签", ["合并的"])
    try:
        expected = asdict(digest)
        got = digest.to_dict()
        for c in expected["campaigns"]:
            c["first_at"], c["last_at"] = c["first_at"].isoformat(), c["last_at"].isoformat()
        for th in expected["themes"]:
            th["clause_counts"] = {str(k): v for k, v in th["clause_counts"].items()}
            for iss in th["issues"]:
                iss["clause_counts"] = {str(k): v for k, v in iss["clause_counts"].items()}
        expected["assignments"] = {str(k): list(v) for k, v in digest.assignments.items()}
        expected["clause_links"] = {str(k): list(v) for k, v in digest.clause_links.items()}
        assert got == expected
        assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)  # same keys, same order
    finally:
        digest.themes[0].issues[0].change = None


def test_comments_made_on_a_clause_keep_that_clause(docs):
    seg = Segmenter()
    clauses = [
        ClauseRef(id=7, label="第一条", tokens=seg.tokens("老旧小区加装电梯补贴")),
        ClauseRef(id=8, label="第二条", tokens=seg.tokens("养老金和弹性退休")),
    ]
    marked = [
        DigestDoc(d.id, d.tokens, d.text, d.created_at, clause_id=8 if k < 5 else None)
        for k, d in enumerate(docs)
    ]
    result = build_digest(marked, clauses=clauses, seed=3)
    for d in marked[:5]:
        assert result.clause_links[d.id] == (8, 1.0)
    total = sum(sum(th.clause_counts.values()) for th in result.themes)
    # Only links at or above the documented confidence are counted under their clause.
    confident = [c for c in result.clause_links.values() if c[1] >= CLAUSE_CONFIDENCE_MIN]
    assert total == len(confident)
    assert len(confident) < len(result.clause_links)  # the weak guesses are kept, not counted


def test_change_since_previous_digest(docs, digest):
    rng = random.Random(9)
    seg = Segmenter()
    words = TOPICS["停车"]
    extra = []
    for k in range(80):
        picked = rng.sample(words, 4)
        text = f"{picked[0]}{picked[1]}一直没解决，{picked[2]}和{picked[3]}，{'、'.join(rng.sample(GENERAL, 2))}。"
        extra.append(
            DigestDoc(
                id=5000 + k, tokens=seg.tokens(text), text=text, created_at=datetime(2025, 4, 1)
            )
        )
    result = build_digest(list(docs) + extra, previous=digest, seed=3)
    statuses = {iss.change.status for _, _, iss in result.issues()}
    assert statuses <= {"new", "grown", "merged", "split", "shrunk", "stable"}
    grown = [iss for _, _, iss in result.issues() if iss.change.status == "grown"]
    assert result.stats["change"]["grown"] == len(grown) >= 1
    new_ids = {d.id for d in extra}
    parking = max(result.issues(), key=lambda x: len(new_ids & set(x[2].member_ids)))[2]
    assert parking in grown
    assert parking.change.delta >= 60
    old_parking = max(digest.issues(), key=lambda x: "停车" in x[2].label + "".join(x[2].keywords))
    assert parking.change.previous_label == old_parking[2].label


def test_empty_input_gives_an_empty_digest():
    result = build_digest([])
    assert result.themes == [] and result.stats["documents"] == 0


def test_progress_is_reported(docs):
    seen = []
    build_digest(docs[:50], progress=lambda f, msg: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)
