"""Chinese and Arabic numerals to numbers.

>>> cn_to_int("二十五"), cn_to_int("十"), cn_to_int("一百零三"), cn_to_int("两")
(25, 10, 103, 2)
>>> numeral_to_int("12"), numeral_to_int("⑤"), numeral_to_int("第")
(12, 5, None)
"""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}
DECIMAL_POINT = "点"  # 二点五 = 2.5


def cn_to_int(text: str) -> int | None:
    """Value of a Chinese numeral (up to the 亿s); None if it is not one."""
    if not text or any(ch not in DIGITS and ch not in SMALL_UNITS and ch not in BIG_UNITS for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * BIG_UNITS[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def cn_is_wellformed(text: str) -> bool:
    """Is ``text`` a Chinese numeral as people write one?

    Units fall from left to right within a section (千, 百, 十) and between
    sections (亿, 万), and two digits never stand side by side except after 零:

    >>> [cn_is_wellformed(t) for t in ("二十五", "一百零三", "十万", "三亿五千万", "十十", "三五", "百千")]
    [True, True, True, True, False, False, False]
    """
    small, big = 10**9, 10**13
    prev = ""
    for ch in text:
        if ch in DIGITS:
            if prev in DIGITS and prev not in ("零", "〇") and DIGITS[ch] != 0:
                return False
        elif ch in SMALL_UNITS:
            if SMALL_UNITS[ch] >= small:
                return False
            small = SMALL_UNITS[ch]
        elif ch in BIG_UNITS:
            if BIG_UNITS[ch] >= big:
                return False
            big, small = BIG_UNITS[ch], 10**9
        else:
            return False
        prev = ch
    return bool(text)


def numeral_to_int(text: str) -> int | None:
    """Value of an item numeral as written: Arabic, Chinese or circled."""
    if text in CIRCLED:
        return CIRCLED[text]
    if text.isascii() and text.isdigit():
        return int(text)
    return cn_to_int(text)
