"""Clean clustering features, seed stability, the unassigned group, package boundaries."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, homogeneity_score

from worker.analysis.cluster import cluster_two_level
from worker.analysis.features import (
    boilerplate_grams,
    canonicalise,
    clean_documents,
    clean_tokens,
    is_clause_reference,
)
from worker.analysis.pipeline import DigestDoc, build_digest
from worker.analysis.results import UNASSIGNED_LABEL
from worker.analysis.segment import Segmenter

PACKAGE = Path(__file__).resolve().parents[2] / "worker" / "analysis"
TOPICS = {
    "elevator": ["老旧小区加装电梯的补贴太少", "加装电梯要一楼业主同意太难", "电梯加装审批流程长"],
    "parking": ["学校周边停车难接送孩子", "小区停车位太少车辆乱停", "停车收费标准太高"],
    "pension": ["退休人员养老金调整太慢", "灵活就业养老保险缴费基数高", "养老金发放标准不统一"],
}


def _docs(prefix: str = "", per: int = 12) -> list[DigestDoc]:
    seg = Segmenter()
    out = []
    i = 0
    for sentences in TOPICS.values():
        for k in range(per):
            text = f"{prefix}{sentences[k % 3]}，第{k}位居民反映，{sentences[(k + 1) % 3]}。"
            out.append(DigestDoc(i, seg.tokens(text), text, datetime(2026, 11, 1, tzinfo=UTC)))
            i += 1
    return out


def _words(result) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for theme in result.themes:
        parts += [theme.label, *theme.keywords]
        for issue in theme.issues:
            parts += [issue.label, *issue.keywords]
    return " ".join(parts)


def test_clause_reference_tokens_are_recognised() -> None:
    for token in ["第二", "第三条", "第十二条", "第3条", "三", "一是", "第二部分"]:
        assert is_clause_reference(token), token
    for token in ["第一书记", "信用修复", "三甲医院", "统一"]:
        assert not is_clause_reference(token), token
    # "第二部分（三）第3条" arrives as 第二 / 部分: both go, the topic stays.
    assert clean_tokens(["第二", "部分", "信用", "修复"]) == ["信用", "修复"]


def test_clause_references_and_letter_formulas_never_become_label_words() -> None:
    prefix = "尊敬的领导：第二部分（三）第3条，请起草部门认真研究。谢谢！"
    result = build_digest(_docs(prefix))
    words = _words(result)
    for bad in ["第二", "部分", "尊敬", "领导", "起草", "认真研究", "谢谢"]:
        assert bad not in words, bad
    assert any(w in words for w in ["电梯", "停车", "养老金"])


def test_masked_personal_data_is_not_a_feature() -> None:
    cleaned = clean_documents([["联系电话", "138****1234", "z***", "com", "电梯", "补贴"]])
    assert cleaned == [["电梯", "补贴"]]


def test_boilerplate_shared_by_the_corpus_is_dropped_but_copies_are_not_boilerplate() -> None:
    template = ["根据", "征求", "公告", "精神", "结合", "我市", "实际"]
    rng = np.random.default_rng(0)
    topic = ["电梯", "补贴", "停车", "收费", "养老金", "学位", "医保", "公交"]
    docs = [template + list(rng.choice(topic, 4)) for _ in range(60)]
    grams = boilerplate_grams(docs)
    assert tuple(template[:6]) in grams
    cleaned = clean_documents(docs)
    assert all("征求" not in d and "公告" not in d for d in cleaned)
    # Thirty copies of one letter are a campaign, not boilerplate: their words stay.
    copies = [["加装", "电梯", "补贴", "标准", "太低", "希望", "提高"]] * 30
    assert clean_documents(copies)[0] == ["加装", "电梯", "补贴", "标准", "太低", "提高"]


def test_themes_are_stable_across_seeds() -> None:
    rng = np.random.default_rng(1)
    vocab = {
        t: w.split()
        for t, w in {
            "a": "物业 小区 业主 停车费 电梯 维修 基金 开发商",
            "b": "学校 学生 老师 招生 学位 培训 校车 食堂",
            "c": "医院 医生 患者 医保 报销 药品 挂号 门诊",
            "d": "公交 线路 路口 拥堵 地铁 站点 出租车 违章",
        }.items()
    }
    docs, truth = [], []
    for t, words in enumerate(vocab.values()):
        for _ in range(80):
            docs.append(list(rng.choice(words, 6)))
            truth.append(t)
    runs = [cluster_two_level(docs, seed=s).theme_of for s in range(3)]
    for r in runs[1:]:
        assert adjusted_rand_score(runs[0], r) > 0.9
    assert homogeneity_score(truth, runs[0]) > 0.9  # no theme mixes two topics


def test_comments_without_usable_words_form_the_marked_unassigned_group() -> None:
    docs = _docs()
    seg = Segmenter()
    for k, text in enumerate(["谢谢！", "支持！", "好", "？？？"]):
        docs.append(DigestDoc(1000 + k, seg.tokens(text), text, datetime(2026, 11, 1, tzinfo=UTC)))
    result = build_digest(docs)
    last = result.themes[-1]
    assert last.unassigned and last.label == UNASSIGNED_LABEL
    assert set(last.member_ids) == {1000, 1001, 1002, 1003}
    assert not any(t.unassigned for t in result.themes[:-1])


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parents[1],
    ).stdout


def test_result_types_import_without_numpy_or_sklearn() -> None:
    out = _run(
        "import sys, worker.analysis.results as r; r.DigestResult.from_dict({}); "
        "print('numpy' in sys.modules, 'sklearn' in sys.modules)"
    )
    assert out.split() == ["False", "False"]


def test_analysis_imports_no_web_queue_or_database_framework() -> None:
    modules = sorted(
        "worker.analysis." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in PACKAGE.rglob("*.py")
        if p.name != "__init__.py"
    )
    out = _run(
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in ('flask', 'celery', 'sqlalchemy', 'consult') if m in sys.modules))"
    )
    assert out.strip() == "[]"


def test_modules_and_functions_stay_small() -> None:
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text("utf-8")
        assert source.count("\n") <= 400, path
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno - node.lineno + 1 <= 60, f"{path}:{node.name}"


def test_variant_spellings_become_one_feature() -> None:
    # t2s keeps 想像 and 家俱 (valid simplified words); a traditional copy of a comment
    # would otherwise cluster on other tokens than its simplified original.
    (a, b) = canonicalise([["不敢", "想像", "家俱"], ["想象", "家具", "电梯"]])
    assert a[0] == "不敢" and b[2] == "电梯"
    assert a[1] == b[0] and a[2] == b[1]
