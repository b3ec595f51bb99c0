"""Segmentation: engine agreement with jieba, traditional input, search terms."""

import random

import jieba
import pytest

from worker.analysis import segment
from worker.analysis.normalise import normalise
from worker.analysis.segment import Segmenter, default_user_words


def _sentences(n: int, seed: int = 7) -> list[str]:
    """Varied comment-like sentences: policy terms, numbers, latin, traditional forms."""
    rng = random.Random(seed)
    terms = list(default_user_words())
    subjects = [
        "我们小区",
        "本村村民",
        "A市B区",
        "广大市民",
        "企业",
        "老年人",
        "学生家长",
        "个体工商户",
    ]
    verbs = ["建议", "希望", "强烈反对", "支持", "不支持", "请问能否", "呼吁", "要求"]
    tails = [
        "尽快落实到位。",
        "解决实际困难！",
        "避免一刀切？",
        "2023年已经反映过3次了。",
        "联系电话0571-87654321。",
        "详见https://baidu.com/a.html",
        "涨了12.5%，负担太重",
        "第12条规定不合理",
        "费用从800元涨到1200元",
        "gb50500-2013标准",
        "wifi、5g信号差",
        "這個問題關係到每個家庭",
        "為什麼遲遲沒有回覆",
    ]
    out = []
    for _ in range(n):
        parts = [rng.choice(subjects), rng.choice(verbs)]
        for _ in range(rng.randint(1, 3)):
            parts.append(rng.choice(terms))
            parts.append(rng.choice(["的", "和", "，", "要", "方面", "工作", ""]))
        parts.append(rng.choice(tails))
        out.append("".join(parts))
    return out


@pytest.mark.skipif(segment.ENGINE != "rjieba", reason="rjieba not installed")
def test_rjieba_tokens_identical_to_jieba_with_user_dictionary():
    extra = ["某某新区", "老旧电梯改造", "暖心工程"]
    fast = Segmenter(extra, engine="rjieba")
    reference = jieba.Tokenizer()
    reference.initialize()
    words = default_user_words() + tuple(extra)
    for w in words:
        if not reference.FREQ.get(w):
            reference.add_word(w)
    texts = _sentences(400) + ["某某新区的老旧电梯改造是暖心工程", "2.a市a6路口", "30-23:30营业"]
    for text in texts:
        n = normalise(text)
        assert fast.raw_tokens(text) == reference.lcut(n, HMM=True), text
        assert fast._engine.cut_for_search(n) == reference.lcut_for_search(n, HMM=True), text


def test_both_engines_give_identical_content_tokens():
    fast = Segmenter(["暖心工程"])
    slow = Segmenter(["暖心工程"], engine="jieba")
    for text in _sentences(150, seed=11):
        assert fast.tokens(text) == slow.tokens(text)
        assert fast.search_terms(text) == slow.search_terms(text)


def test_policy_terms_stay_whole_and_noise_is_dropped():
    toks = Segmenter().tokens("我们希望营商环境进一步优化，放管服改革要落实到位！第12条 2023年 A市")
    assert "营商环境" in toks
    assert "放管服改革" in toks
    for noise in ["我们", "希望", "的", "12", "2023", "a", "，", "！"]:
        assert noise not in toks


def test_stance_words_are_kept():
    toks = Segmenter().tokens("我坚决反对延迟退休，支持弹性退休，建议分步实施")
    assert {"反对", "支持", "建议"} <= set(toks)


def test_traditional_input_gives_same_tokens_as_simplified():
    seg = Segmenter()
    pairs = [
        ("營商環境需要進一步優化，為企業減負", "营商环境需要进一步优化，为企业减负"),
        ("這個問題關係到每個家庭的醫療保險報銷", "这个问题关系到每个家庭的医疗保险报销"),
        ("強烈建議加快老舊小區改造和加裝電梯", "强烈建议加快老旧小区改造和加装电梯"),
    ]
    for trad, simp in pairs:
        assert seg.tokens(trad) == seg.tokens(simp)
        assert seg.search_terms(trad) == seg.search_terms(simp)


def test_run_time_user_words_change_segmentation_only_for_that_segmenter():
    plain = Segmenter()
    custom = Segmenter(["暖心惠企工程"])
    assert "暖心惠企工程" in custom.tokens("推进暖心惠企工程")
    assert "暖心惠企工程" not in plain.tokens("推进暖心惠企工程")


def test_query_for_part_of_a_term_matches_documents_with_the_whole_term():
    seg = Segmenter()
    doc = set(seg.search_terms("持续优化营商环境，推进一网通办"))
    for query in ["营商", "营商环境", "環境", "一网通办"]:
        assert set(seg.search_terms(query)) <= doc, query


def test_tokens_many_matches_tokens():
    seg = Segmenter()
    texts = _sentences(20, seed=3)
    assert seg.tokens_many(texts) == [seg.tokens(t) for t in texts]


def test_custom_stopwords_replace_the_bundled_list():
    seg = Segmenter(stopwords=["营商环境"])
    toks = seg.tokens("我们的营商环境")
    assert "营商环境" not in toks
    assert "我们" in toks


def test_one_segmentation_gives_tokens_and_search_terms():
    seg = Segmenter()
    for text in _sentences(60, seed=5) + ["持续优化营商环境，推进一网通办", "想像一下", ""]:
        assert seg.analyse(text) == (seg.tokens(text), seg.search_terms(text))


def test_search_finds_a_variant_spelling_of_the_same_word():
    # 想像 is how 想象 is written in traditional characters, and a valid simplified variant.
    seg = Segmenter()
    assert set(seg.search_terms("想象")) <= set(seg.search_terms("后果不可想像"))


@pytest.mark.skipif(segment.ENGINE != "rjieba", reason="rjieba not installed")
@pytest.mark.xfail(strict=True, reason="jieba-rs's HMM picks the other path of a near tie (docs/performance.md)")
def test_hmm_near_tie_gives_jieba_tokens():
    # The two best Viterbi paths of 常在年 (S S S and B E S) differ by 1.5e-7 in log
    # probability: jieba keeps 常 / 在 / 年, jieba-rs returns 常在 / 年.
    reference = jieba.Tokenizer()
    reference.initialize()
    assert Segmenter(engine="rjieba").raw_tokens("城区常在年都有") == reference.lcut("城区常在年都有", HMM=True)
