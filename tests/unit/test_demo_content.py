"""Demo plans split into the structure staff expect; demo comments are varied and deterministic."""

from __future__ import annotations

import json

import opencc
import pytest

from consult.demo.comments import PLAN_DIR, PLAN_KEYS, generate_comments, load_plan
from worker.analysis.clauses import find_references, flatten, split_clauses


def clauses(key: str):
    return flatten(split_clauses(load_plan(key).body))


def ids_for(key: str) -> list[str]:
    # Article numbers are unique in a regulation; elsewhere keys disambiguate "（一）".
    cs = clauses(key)
    if key == "jiceng_jianfu":
        return [c.number for c in cs]
    return [c.key for c in cs]


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_plan_files_have_metadata_and_size(key: str) -> None:
    meta = json.loads((PLAN_DIR / f"{key}.json").read_text(encoding="utf-8"))
    assert meta["key"] == key
    assert meta["title"].endswith("（征求意见稿）")
    assert meta["department"].startswith("市")
    assert len(meta["summary"]) > 40
    body = load_plan(key).body
    assert 1500 <= len(body) <= 3500
    assert 10 <= len(clauses(key)) <= 30


def test_fangguanfu_plan_structure() -> None:
    roots = split_clauses(load_plan("fangguanfu").body)
    assert roots[0].kind == "preamble"
    assert [c.label for c in roots[1:]] == ["一、总体要求", "二、重点任务", "三、保障措施"]
    tasks = roots[2]
    assert [c.label for c in tasks.children] == [
        "（一）深化商事制度改革",
        "（二）优化工程建设项目审批",
        "（三）创新事中事后监管",
        "（四）提升政务服务效能",
    ]
    assert [len(c.children) for c in tasks.children] == [3, 3, 3, 2]
    assert tasks.children[0].children[0].label == "1.压缩企业开办时间"
    assert all(c.level == 2 for c in tasks.children[0].children)


def test_jiceng_regulation_structure() -> None:
    roots = split_clauses(load_plan("jiceng_jianfu").body)
    assert [c.label for c in roots] == [
        "第一章 总则",
        "第二章 基层减负",
        "第三章 容错纠错",
        "第四章 附则",
    ]
    articles = [c for c in clauses("jiceng_jianfu") if c.kind == "article"]
    assert [c.ordinal for c in articles] == list(range(1, 16))
    art10 = next(c for c in articles if c.number == "第十条")
    assert [c.number for c in art10.children] == ["（一）", "（二）", "（三）", "（四）"]
    # Article 2 cites "本规定第二章" mid-sentence; that must not open a chapter.
    assert "本规定第二章" in articles[1].text


def test_yiwangtongban_opinion_structure() -> None:
    roots = split_clauses(load_plan("yiwangtongban").body)
    assert [c.number for c in roots] == ["", "一、", "二、", "三、"]
    tasks = roots[2]
    assert [len(c.children) for c in tasks.children] == [3, 3, 3, 2, 3]
    assert {g.number for c in tasks.children for g in c.children} == {"一是", "二是", "三是"}
    assert tasks.children[2].children[1].title == "保留线下兜底渠道。"
    assert [c.number for c in roots[3].children] == ["一是", "二是", "三是"]


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_comments_are_deterministic_varied_and_reference_real_clauses(key: str) -> None:
    ids = ids_for(key)
    first = generate_comments(key, ids, 300, seed=7)
    assert first == generate_comments(key, ids, 300, seed=7)
    assert first != generate_comments(key, ids, 300, seed=8)
    assert len(first) == 300

    organic = [c for c in first if not c.campaign]
    assert len({c.text for c in organic}) >= 0.8 * len(organic)
    assert all(15 <= len(c.text) <= 300 for c in first)
    assert {c.stance for c in first} == {"support", "oppose", "suggest", "question"}
    assert all(0 <= c.days_ago <= 29 for c in first)
    assert all(c.pseudonym for c in first)

    valid = set(ids)
    assert all(c.clause_number is None or c.clause_number in valid for c in first)
    whole = [c for c in first if c.clause_number is None]
    assert 0.1 * len(first) < len(whole) < 0.45 * len(first)
    # Some whole-plan comments cite a clause in words ("关于第七条，……").
    assert any(find_references(c.text) for c in whole)

    # A copy-paste campaign: ~30 near-identical letters.
    campaign = [c for c in first if c.campaign]
    assert len(campaign) == 30
    assert len({c.clause_number for c in campaign}) == 1
    core = campaign[0].text[10:40]
    assert sum(core in c.text for c in campaign) >= 10

    # About 5 % written in traditional characters.
    to_simplified = opencc.OpenCC("t2s")
    traditional = [c for c in organic if to_simplified.convert(c.text) != c.text]
    assert 0.01 * len(organic) <= len(traditional) <= 0.12 * len(organic)


def test_comments_are_specific_to_their_plan() -> None:
    jianfu = " ".join(
        c.text for c in generate_comments("jiceng_jianfu", ids_for("jiceng_jianfu"), 200, 1)
    )
    yiwang = " ".join(
        c.text for c in generate_comments("yiwangtongban", ids_for("yiwangtongban"), 200, 1)
    )
    assert "容错" in jianfu and "容错" not in yiwang
    assert "电子证照" in yiwang and "电子证照" not in jianfu


def test_clause_comments_talk_about_their_clause() -> None:
    comments = generate_comments("jiceng_jianfu", ["第七条"], 60, seed=3)
    on_clause = [c for c in comments if c.clause_number == "第七条" and not c.campaign]
    assert on_clause
    keywords = ("打卡", "晒图", "群", "平台", "指尖", "填报", "应用程序")
    to_simplified = opencc.OpenCC("t2s")
    texts = [to_simplified.convert(c.text) for c in on_clause]
    assert sum(any(k in t for k in keywords) for t in texts) >= 0.8 * len(texts)


def test_small_n_and_unknown_plan() -> None:
    assert generate_comments("fangguanfu", ids_for("fangguanfu"), 0, 1) == []
    few = generate_comments("fangguanfu", [], 5, 1)
    assert len(few) == 5 and all(c.clause_number is None for c in few)
    with pytest.raises(KeyError):
        generate_comments("nonexistent", [], 5, 1)
