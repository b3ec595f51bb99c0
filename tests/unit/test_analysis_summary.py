"""Summaries, quotes and phrase labels of digest groups."""

from __future__ import annotations

from datetime import UTC, datetime

from worker.analysis.describe import key_phrase
from worker.analysis.pipeline import DigestDoc, build_digest
from worker.analysis.results import DigestResult
from worker.analysis.segment import Segmenter
from worker.analysis.summarise import SUMMARY_MAX, quotes_of, sentences, summary_of

SCORES = {"电梯": 2.0, "加装": 1.5, "补贴": 1.0}


def test_sentences_respect_the_limit_and_cut_at_a_comma() -> None:
    long = "老旧小区加装电梯的补贴标准太低，" * 6 + "希望提高。"
    parts = sentences(long, 30)
    assert parts and all(len(p) <= 30 for p in parts)
    assert parts[0].endswith("…") and "，…" not in parts[0]


def test_summary_is_the_central_sentence_not_the_salutation() -> None:
    texts = [
        "尊敬的领导：您好！老旧小区加装电梯的补贴太少，希望提高。谢谢！",
        "加装电梯一楼业主不同意怎么办？",
    ]
    summary = summary_of(texts, SCORES)
    assert summary == "老旧小区加装电梯的补贴太少，希望提高。"
    assert len(summary) <= SUMMARY_MAX
    quotes = quotes_of(texts, SCORES)
    assert [k for k, _ in quotes] == [0, 1]
    assert all("尊敬" not in q and len(q) <= 80 for _, q in quotes)


def test_phrase_label_must_occur_verbatim() -> None:
    tokens = [["任务", "后面", "列明"], ["任务", "后面", "列明"]]
    scores = {"任务": 1.0, "列明": 1.0}
    # "任务后面列明" is three tokens glued; the texts never contain it.
    texts = ["任务在后面一并列明", "任务放到后面再列明"]
    assert key_phrase(tokens, scores, texts=texts) is None
    # Verbatim, but glued around a locative: still no heading.
    texts = ["任务后面列明的事项", "任务后面列明了"]
    assert key_phrase(tokens, scores, texts=texts) is None
    tokens = [["牵头", "单位", "时限"], ["牵头", "单位", "时限"]]
    scores = {"牵头": 1.0, "单位": 1.0}
    assert key_phrase(tokens, scores, texts=["明确牵头单位时限", "牵头单位时限要写清"]) == "牵头单位"


def test_digest_groups_carry_summary_and_quotes_of_their_members() -> None:
    seg = Segmenter()
    texts = [
        "老旧小区加装电梯补贴太少，希望提高补贴。",
        "加装电梯审批太慢，希望简化流程。",
        "学校周边停车难，接送孩子没地方停。",
        "学校门口停车位太少，希望增设临时车位。",
    ]
    docs = [
        DigestDoc(i, seg.tokens(texts[i % 4]), texts[i % 4], datetime(2026, 11, 1, tzinfo=UTC))
        for i in range(40)
    ]
    result = build_digest(docs)
    back = DigestResult.from_dict(result.to_dict())
    for theme in back.themes:
        for group in [theme, *theme.issues]:
            assert group.summary and len(group.summary) <= SUMMARY_MAX
            assert any(group.summary.rstrip("…") in t for t in texts)
            assert 1 <= len(group.quotes) <= 5
            assert {q.id for q in group.quotes} <= set(group.member_ids)
