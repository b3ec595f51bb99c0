"""Masking of personal data after NFKC, keeping the original text around each number."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from worker.analysis.normalise import mask_personal
from worker.analysis.privacy import find_personal, mask_text


def test_the_review_samples_are_all_masked():
    text = "电话13812345678，身份证110101199003071234，卡号6222021234567890123，邮箱zhang.san@example.com，座机010-12345678。"
    assert mask_text(text) == (
        "电话138****5678，身份证110***********1234，卡号6222***********0123，邮箱z***@example.com，座机010-****5678。"
    )


def test_full_width_digits_are_masked_and_the_text_around_stays_as_written():
    assert mask_text("我的手机１３６１２３４５６７８，请回电！") == "我的手机136****5678，请回电！"
    assert mask_text("邮箱ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ。") == "邮箱z***@example.com。"
    assert mask_text("身份证：１１０１０１１９９００３０７１２３４") == "身份证：110***********1234"


def test_spaced_and_grouped_numbers_are_masked():
    assert mask_text("证件 110101 19900307 1234 号") == "证件 110***********1234 号"
    assert mask_text("卡 6222 0212 3456 7890 123") == "卡 6222***********0123"
    assert mask_text("卡 4111-1111-1111-1111") == "卡 4111********1111"
    assert mask_text("手机 138 1234 5678") == "手机 138****5678"


def test_passport_numbers_are_masked():
    assert mask_text("护照E12345678") == "护照E*****678"
    assert mask_text("护照号 G87654321。") == "护照号 G*****321。"
    assert mask_text("EA1234567") == "E*****567"


def test_ordinary_numbers_and_words_are_left_alone():
    for text in [
        "2023年投入12000000元",
        "第12条第3款",
        "金额123456789012345678元",
        "订单号20230101123456",
        "建议把补贴提高到3000元，覆盖1.2万户",
        "2019-2023年",
        "E座3楼",
        "GDP增长5%",
        "１２月３日",
    ]:
        assert mask_text(text) == text


def test_mask_personal_delegates():
    assert mask_personal("１３８１２３４５６７８") == "138****5678"


def test_spans_point_into_the_original_text():
    text = "号码：１３８ １２３４ ５６７８。"
    (start, end, kind, masked), = find_personal(text)
    assert kind == "mobile" and text[start:end] == "１３８ １２３４ ５６７８" and masked == "138****5678"


@given(st.text(alphabet="0123456789０１２３４５６７８９ -@.abcXE中文，", max_size=80))
def test_masking_is_idempotent_and_never_leaves_a_found_number(text):
    once = mask_text(text)
    assert mask_text(once) == once
    assert find_personal(once) == []
