"""Date parsing: every form Chinese portals print, to ISO YYYY-MM-DD."""
from __future__ import annotations

import re
from datetime import date

from .text import halfwidth

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# 2026年03月01日, 2026-03-01, 2026/3/1, 2023.11.09, [2023-11-09], 2007-08-20-23:59:59
DATE_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?!\d)\s*日?"
)
# 二〇二〇年八月二日 (signatures of formal documents)
CN_DATE_RE = re.compile(r"([〇○零一二三四五六七八九Ｏ]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
# a text that is nothing but a date (optionally bracketed, optionally with a time)
PURE_DATE_RE = re.compile(
    r"^[\[【(（]?\s*((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?"
    r"(?:[\sT-]*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*[\])】）]?$"
)


def _cn_number(s: str) -> int | None:
    if len(s) == 1:
        return _CN_DIGITS.get(s)
    if s[0] == "十":  # 十一 .. 十九
        return 10 + (_CN_DIGITS.get(s[1], 0) if len(s) > 1 else 0)
    if len(s) == 2 and s[1] == "十":  # 二十, 三十
        return _CN_DIGITS.get(s[0], 0) * 10
    if len(s) == 3 and s[1] == "十":  # 二十一
        return _CN_DIGITS.get(s[0], 0) * 10 + _CN_DIGITS.get(s[2], 0)
    return None


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_date(s: str | None) -> str | None:
    """First valid date in `s` as YYYY-MM-DD, or None."""
    if not s:
        return None
    s = halfwidth(s)
    for m in DATE_RE.finditer(s):
        iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            return iso
    m = CN_DATE_RE.search(s)
    if m:
        y = "".join(str(_CN_DIGITS.get(c, 0)) for c in m.group(1))
        mo, d = _cn_number(m.group(2)), _cn_number(m.group(3))
        if mo and d:
            return _iso(int(y), mo, d)
    return None


def pure_date(s: str) -> str | None:
    """The date when `s` is only a date (entries' date cells, "[2023-11-09]")."""
    m = PURE_DATE_RE.match(halfwidth(s).strip())
    if not m:
        return None
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
