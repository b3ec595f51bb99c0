"""Stance labels a reviewer would agree with on typical consultation comments."""

import numpy as np
import pytest

from worker.analysis import stance_corpus, stance_model
from worker.analysis.normalise import normalise
from worker.analysis.stance import Stance, analyse_stance, stance_of
from worker.analysis.stance_model import stance_of as model_stance_of


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
    assert stance_of(text) == expected  # the rules
    assert model_stance_of(text) == expected  # what digests count


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


# The model over the rules' cues (stance_model): a confidence, and 未判定 when unsure.


def test_a_clear_call_has_high_confidence_and_an_unclear_one_is_not_judged():
    clear = stance_model.classify("这种一刀切的做法不合理，坚决反对")
    assert clear.stance == Stance.OPPOSE and clear.confidence >= 0.8
    # A complaint told as a rhetorical question: the model hesitates between the two.
    unsure = stance_model.classify("为什么我们小区的停车费这么高", threshold=0.99)
    assert unsure.stance == Stance.NEUTRAL
    assert unsure.guess in (Stance.QUESTION, Stance.OPPOSE)


def test_support_comes_from_the_rules_and_no_cue_is_not_judged():
    assert stance_model.classify("完全支持这项改革，利国利民！").stance == Stance.SUPPORT
    assert stance_model.classify("今天去办事大厅办了营业执照。").confidence == 0.0


def test_a_grievance_told_without_a_named_cue_reads_as_opposition():
    # No oppose word, but harm and intensity: "严重影响".
    call = stance_model.classify("这个条款会严重影响小微企业")
    assert call.stance == Stance.OPPOSE


def test_the_shipped_model_holds_weights_only_no_text():
    raw = stance_model._model()
    assert raw["features"] == stance_model.feature_names()
    assert 0.0 < raw["threshold"] < 1.0
    numbers = [w for ws in raw["coef"] for w in ws] + raw["intercept"]
    assert all(isinstance(w, float) for w in numbers)
    assert set(raw["classes"]) == {"oppose", "question", "suggestion"}


def test_stances_of_many_comments_are_the_calls_made_one_by_one():
    texts = [
        "坚决反对这个方案，劳民伤财。", "非常支持！好政策。", "建议增加公交线路，希望尽快落实。",
        "请问什么时候开始实施？", "今天天气不错", "至今没有解决，严重影响生活", "並不反對，但是希望能否延期？",
        "能否公开反馈吗？", "不太支持", "", "？？？", "非常支持！好政策。", "投诉物业乱收费，置之不理。",
    ]
    assert stance_corpus.stances_of(texts) == [model_stance_of(t) for t in texts]
    assert stance_corpus.stances_of([]) == []


def test_corpus_features_are_those_of_each_text():
    # Cues across the joined texts' borders, a negated support cue at a text's start, 不太 and
    # 太 at the start, heads with and without a stop, blank and punctuation-only texts.
    texts = [
        "不太支持这个方案", "太贵了，至今没有解决？", "支持。不同意", "反对", "并不反对！！", "？？", "",
        "请问何时实施？希望尽快。严重影响出行，多次投诉无人管", "太", "。；", "谁来管？怎么办？",
        "非常好" * 30 + "？",
    ]
    norms = [normalise(t) for t in texts]
    joined, starts = stance_corpus._joined(norms)
    doc, kind, at = stance_corpus._cues(joined, starts)
    forms = {k: stance_corpus._counts(r, joined, starts) for k, r in stance_model._FORM_RE.items()}
    rows = stance_corpus._features(norms, np.arange(len(texts)), doc, kind, at, forms)
    assert rows.tolist() == [stance_model.features(t) for t in texts]
