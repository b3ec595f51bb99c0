"""Stance labels a reviewer would agree with on typical consultation comments."""

import pytest

from worker.analysis.stance import Stance, analyse_stance, stance_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("完全支持这项改革，利国利民！", Stance.SUPPORT),
        ("赞成取消该项收费。", Stance.SUPPORT),
        ("我坚决反对延迟退休。", Stance.OPPOSE),
        ("不支持这个方案，太折腾老百姓了", Stance.OPPOSE),
        ("我不太同意第三条的规定", Stance.OPPOSE),
        ("对此我无法认同", Stance.OPPOSE),
        ("这种一刀切的做法不合理", Stance.OPPOSE),
        ("建议把补贴标准提高到每月500元", Stance.SUGGESTION),
        ("希望尽快在老旧小区加装电梯", Stance.SUGGESTION),
        ("政府应该增加公交班次", Stance.SUGGESTION),
        ("请问新政策什么时候开始实施？", Stance.QUESTION),
        ("为什么我们小区的停车费这么高", Stance.QUESTION),
        ("退休人员是否也适用这条规定?", Stance.QUESTION),
        ("今天去办事大厅办了营业执照。", Stance.NEUTRAL),
    ],
)
def test_typical_comments(text, expected):
    assert stance_of(text) == expected


def test_traditional_and_full_width_text_is_understood():
    assert stance_of("我堅決反對這個方案") == Stance.OPPOSE
    assert stance_of("新規定何時實施？") == Stance.QUESTION


def test_opposition_outweighs_an_alternative_suggestion():
    assert stance_of("反对延迟退休，建议实行弹性退休") == Stance.OPPOSE


def test_not_opposed_is_support_and_not_only_is_not_negation():
    assert stance_of("我并不反对这个方案") == Stance.SUPPORT
    assert stance_of("我们不但支持，而且愿意参与") == Stance.SUPPORT


def test_cue_inside_longer_oppose_cue_is_not_double_counted():
    result = analyse_stance("不同意")
    assert result.stance == Stance.OPPOSE
    assert result.scores["support"] == 0


def test_polite_request_question_counts_as_both():
    result = analyse_stance("能否延长办理时间")
    assert result.scores["question"] == result.scores["suggestion"] > 0
