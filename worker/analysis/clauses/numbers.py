"""Chinese and Arabic numerals as used in clause numbers."""

from __future__ import annotations

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

CN_NUM = "[零〇一二两兩三四五六七八九十百千]+"
AR_NUM = "[0-9０-９]+"


def cn_to_int(s: str) -> int | None:
    """Value of a Chinese (一百零一, 十二) or Arabic (12, １２) numeral; None if not a numeral."""
    s = s.strip().translate(_FULLWIDTH_DIGITS)
    if not s:
        return None
    if len(s) == 1 and s in _CIRCLED:
        return _CIRCLED.index(s) + 1
    # str.isdigit() also accepts "①" and superscripts, which int() rejects.
    if all("0" <= c <= "9" for c in s):
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            # A bare unit (十二) means one of it.
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current
