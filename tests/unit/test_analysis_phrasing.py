"""Readable issue descriptions: phrase labels, summary sentences and quotes on Chinese comments."""

from worker.analysis.phrasing import clip, phrase_label, quotes, sentences, summary_sentence

ELEVATOR = [
    "尊敬的领导：您好！老旧小区加装电梯补贴标准太低，一台电梯要六十多万，补贴只有二十万。谢谢！",
    "我们小区是九十年代的房子，加装电梯补贴标准太低了，低层住户还不同意。",
    "建议提高加装电梯补贴标准，并简化审批流程，让老人早日坐上电梯。",
    "第二部分（三）第3条：加装电梯补贴标准能否按楼层分档？",
    "加装电梯的补贴标准太低，希望政府多承担一些。",
]


def test_sentences_drop_salutations_and_sign_offs() -> None:
    parts = sentences(ELEVATOR[0])
    assert all(not p.startswith(("尊敬的", "谢谢")) for p in parts)
    assert any("补贴标准太低" in p for p in parts)


def test_clip_cuts_at_a_clause_boundary_and_marks_the_cut() -> None:
    long = "现在执照一天能拿到，但开户要等一周、接水电要等一个月，企业开办时间只是纸面上压缩了，实际上企业还是要跑很多趟。"
    cut = clip(long, 40)
    assert len(cut) <= 40 and cut.endswith("…")
    assert cut[:-1] in long and cut[-2] not in "，、"
    assert clip("盼早日落实到位。", 60) == "盼早日落实到位。"


def test_summary_sentence_is_the_shared_point_and_short() -> None:
    summary = summary_sentence(ELEVATOR)
    assert "补贴标准" in summary
    assert len(summary) <= 60
    assert summary in "".join(ELEVATOR) or summary.endswith("…")


def test_quotes_are_short_sentences_of_distinct_comments() -> None:
    items = list(enumerate(ELEVATOR, start=101)) + [(200, ELEVATOR[4])]
    got = quotes(items, k=5)
    assert 3 <= len(got) <= 5
    assert len({q.comment_id for q in got}) == len(got)
    assert 200 not in {q.comment_id for q in got}  # a copy of 105 adds nothing
    for q in got:
        assert len(q.text) <= 80
        assert q.text.rstrip("…") in dict(items)[q.comment_id]
    assert not any(q.text.startswith("尊敬的") for q in got)


def test_phrase_label_is_a_phrase_from_the_comments_without_filler_or_clause_numbers() -> None:
    label = phrase_label(ELEVATOR, ["补贴", "电梯", "标准"], fallback="补贴电梯")
    assert 4 <= len(label) <= 16
    assert "补贴" in label or "电梯" in label
    assert not label.startswith(("建议", "希望", "第", "我们"))
    assert label in "".join(ELEVATOR)


def test_phrase_label_falls_back_when_nothing_usable() -> None:
    assert phrase_label(["好。", "同意"], ["补贴"], fallback="其他") == "其他"
    assert summary_sentence([]) == ""


def test_phrase_label_skips_the_lead_in_before_a_colon() -> None:
    letter = "我是一名老年人的子女，强烈要求在意见中明确：政务服务大厅必须保留现场取号和人工窗口。"
    label = phrase_label([letter] * 5 + ["老年人办事要保留人工窗口。"], ["窗口", "意见", "明确"], fallback="意见明确")
    assert "意见中明确" not in label and "窗口" in label
    assert summary_sentence([letter] * 3).startswith("政务服务大厅必须保留")


def test_quotes_drop_a_leading_clause_reference() -> None:
    got = quotes([(1, "第二部分（三）第3条：信用修复机制很关键，企业犯过一次小错不应该被一直卡着招投标。")])
    assert got[0].text.startswith("信用修复机制很关键")


def test_quotes_topping_up_shown_ones_take_another_sentence_of_a_comment() -> None:
    from worker.analysis.phrasing import Quote, distinct_quotes

    shown = [Quote(1, "加装电梯补贴标准太低。")]
    # Comment 2's most central sentence repeats the shown quote; its other point is still worth quoting.
    items = [(1, "加装电梯补贴标准太低。"), (2, "加装电梯的补贴标准太低。审批要跑六个部门，流程太长。")]
    more = quotes(items, k=5, taken=shown)
    assert [q.comment_id for q in more] == [2] and "审批" in more[0].text
    assert len(distinct_quotes([*shown, *more])) == 2


def test_phrase_label_keeps_a_bracketed_character_inside_a_word() -> None:
    texts = ["村（居）委会参照适用很有必要。", "村（居）委会参照适用，好。", "村（居）委会参照适用是好事。"]
    label = phrase_label(texts, ["参照", "适用"])
    assert label.startswith("村（居）委会"), label  # not "委会参照适用"
    # A clause number in brackets is still where a label may not reach across.
    assert "（三）" not in phrase_label(["第二部分（三）信用修复机制很关键。"] * 2, ["信用", "修复"])
