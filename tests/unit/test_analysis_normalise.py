"""Normalisation and personal-data masking as seen by digest readers and search."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from worker.analysis import normalise as nm
from worker.analysis.normalise import mask_personal, normalise, strip_invisible, to_simplified
from worker.analysis.privacy import mask_text


def test_full_width_invisible_and_traditional_are_normalised():
    raw = "  ＡＢＣ１２３，這是\u200b一個\ufeff測試\u00ad\t\n　的東西  "
    assert normalise(raw) == "abc123,这是一个测试 的东西"


def test_to_simplified_converts_traditional():
    assert to_simplified("營商環境優化") == "营商环境优化"
    assert to_simplified("plain ascii") == "plain ascii"


def test_strip_invisible_keeps_newlines_and_visible_text():
    assert strip_invisible("第一行\u200b\r\n第二\u2060行\x00\x07") == "第一行\n第二行"
    assert strip_invisible("a\tb") == "a\tb"


def test_invisible_class_covers_every_format_and_control_character():
    # The class is a generated literal; a newer Unicode database must not leave holes.
    for c in range(0x110000):
        ch = chr(c)
        if not nm._is_invisible(ch):
            continue
        assert nm._INVISIBLE_RE.fullmatch(ch), hex(c)


cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
mixed = st.one_of(
    cjk, st.characters(), st.sampled_from("營環體關這個們東說話\u200b\ufeff　ＡＢ１，")
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=mixed, max_size=60))
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=mixed, max_size=60))
def test_normalise_output_has_no_invisible_or_double_spaces(text):
    out = normalise(text)
    assert "  " not in out
    assert out == out.strip()
    assert not any(unicodedata.category(c) in ("Cf", "Cc", "Cs") for c in out)
    out.encode("utf-8")


def test_mobile_numbers_are_masked_in_common_spellings():
    assert mask_personal("电话13812341234谢谢") == "电话138****1234谢谢"
    assert mask_personal("手机 138 1234 5678") == "手机 138****5678"
    assert mask_personal("+86-139-1234-5678") == "+86-139****5678"
    assert mask_personal("+8615912345678") == "+86159****5678"


def test_id_numbers_are_masked():
    assert mask_personal("身份证110101199003071234号") == "身份证110***********1234号"
    assert mask_personal("11010119900307123X") == "110***********123X"
    assert mask_personal("老证号110101900307123") == "老证号110********7123"


def test_email_and_landline_are_masked():
    assert mask_personal("邮箱zhang.san@example.com，") == "邮箱z***@example.com，"
    assert mask_personal("座机010-12345678") == "座机010-****5678"
    assert mask_personal("(0571)87654321") == "(0571)****4321"
    assert mask_personal("拨打05718765432") == "拨打0571-****5432"


def test_mask_personal_is_the_privacy_matcher():
    # the cases of ordinary numbers left alone live with the matcher (tests/unit/test_privacy.py)
    for text in ["第12条第3款", "电话13812341234谢谢", "卡 6222 0212 3456 7890 123"]:
        assert mask_personal(text) == mask_text(text)
