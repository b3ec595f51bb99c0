"""The sensitive-word automaton: every listed word found in one pass, evasions normalised away."""

from __future__ import annotations

from worker.analysis.sensitive import Automaton, fold


def test_finds_overlapping_words_in_one_pass() -> None:
    automaton = Automaton(["he", "she", "his", "hers"])
    assert automaton.find("ushers") == ["she", "he", "hers"]
    assert [(m.word, m.start, m.end) for m in automaton.matches("ushers")] == [("she", 1, 4), ("he", 2, 4), ("hers", 2, 6)]


def test_traditional_full_width_zero_width_and_spacing_do_not_evade() -> None:
    automaton = Automaton(["关键词", "ABC"])
    for text in ["說說關鍵詞吧", "关\u200b键\u200d词", "关 键 词", "关.键-词", "ａｂｃ", "Ａ\ufeffＢ Ｃ"]:
        assert automaton.find(text), text
    assert automaton.find("关于键盘的词语") == []


def test_words_listed_in_traditional_or_full_width_match_plain_text() -> None:
    automaton = Automaton(["關鍵詞", "ＸＹＺ"])
    assert automaton.find("这里有关键词和xyz") == ["關鍵詞", "ＸＹＺ"]


def test_matches_map_back_to_the_original_text() -> None:
    automaton = Automaton(["关键词"])
    text = "前面 關\u200b鍵 詞 后面"
    (match,) = automaton.matches(text)
    assert text[match.start : match.end] == "關\u200b鍵 詞"


def test_duplicates_after_folding_are_listed_once_and_empty_input_is_harmless() -> None:
    automaton = Automaton(["关键词", "關鍵詞", "", "  "])
    assert len(automaton) == 1
    assert automaton.find("") == [] and Automaton([]).find("任何文字") == []
    assert fold("Ａ b")[0] == "ab"


def test_agrees_with_naive_substring_search_on_random_text() -> None:
    import random

    rng = random.Random(7)
    alphabet = "甲乙丙丁戊己"
    words = list({"".join(rng.choices(alphabet, k=rng.randint(2, 4))) for _ in range(40)})
    automaton = Automaton(words)
    for _ in range(300):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 40)))
        expected = {w for w in words if w in text}
        assert set(automaton.find(text)) == expected
        assert {m.word for m in automaton.matches(text)} == expected
        assert all(text[m.start : m.end] == m.word for m in automaton.matches(text))
