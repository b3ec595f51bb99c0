"""Demo plans digested as the page shows them: no heading is a clause number or filler."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from consult.demo.comments import generate_comments
from consult.demo.loader import COMMENTS_PER_PLAN
from consult.digests.readable import describe
from worker.analysis.clauses.structure import flatten, split_clauses
from worker.analysis.phrasing import is_filler_label
from worker.analysis.pipeline import build_digest
from worker.analysis.results import ClauseRef, DigestDoc
from worker.analysis.segment import Segmenter

PREAMBLE = re.compile(r"^(?:我看了|对|关于)?第[一二三四五六七八九十\d]+[条章部分]|^(?:尊敬的|各位领导|您好)")
PLANS = sorted((Path(__file__).resolve().parents[2] / "consult" / "demo" / "plans").glob("*.json"))


def test_filler_and_clause_reference_labels_are_recognised() -> None:
    for bad in ("任务后面列明", "第二、部分", "第二部分（三）第3条", "二、", "这个规定", "谢谢领导", "建议希望"):
        assert is_filler_label(bad), bad
    for good in ("信用修复", "规范中介服务", "缺少具体责任单位和时间表", "老年人保留电话"):
        assert not is_filler_label(good), good


@pytest.mark.parametrize("index", range(len(PLANS)), ids=[p.stem for p in PLANS])
def test_demo_plan_headings_are_topics(index: int) -> None:
    path = PLANS[index]
    key = json.loads(path.read_text(encoding="utf-8"))["key"]
    nodes = flatten(split_clauses(path.with_suffix(".txt").read_text(encoding="utf-8")))
    seg = Segmenter()
    # As the demo loader makes them: clause keys, the plan's index + 1 as seed.
    items = generate_comments(key, [n.key for n in nodes], COMMENTS_PER_PLAN, seed=index + 1)
    when = datetime(2026, 11, 1, tzinfo=UTC)
    docs = [DigestDoc(id=i, tokens=seg.tokens(it.text), text=it.text, created_at=when) for i, it in enumerate(items)]
    clauses = [ClauseRef(id=k, label=n.title, tokens=seg.tokens(f"{n.number} {n.title} {n.text}"), key=n.key)
               for k, n in enumerate(nodes)]  # fmt: skip
    result = build_digest(docs, clauses=clauses)
    themes = describe(result, 1, {d.id: d.text for d in docs}, 0.5)
    shown = [(tv.label, [iv.label for iv in tv.issues]) for tv in themes]
    labels = [label for theme, issues in shown for label in (theme, *issues) if not label.startswith("其他")]
    assert labels and not [x for x in labels if is_filler_label(x)], shown
    stored = [g.label for _, _, g in result.issues()] + [t.label for t in result.themes]
    assert not [x for x in stored if is_filler_label(x) and not x.startswith("其他")]
    # Summaries and quotes start with the point, not "第二部分（三）第3条：", "我看了第十二条，" or "各位领导：".
    openings = [iv.summary for tv in themes for iv in tv.issues] + [q.text for tv in themes for iv in tv.issues for q in iv.quotes]
    assert not [x for x in openings if PREAMBLE.match(x)], shown
    # No catch-all: comments that name nothing of a theme go to 其他/未归类 instead.
    topical = [t for t in result.themes if not t.unassigned]
    assert max(t.size for t in topical) <= 0.4 * len(docs), [(t.label, t.size) for t in result.themes]
