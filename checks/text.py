"""Small pure helpers shared by the rules: text normalisation, dates, 文号.

Keywords and labels are matched after traditional -> simplified conversion and NFKC folding
(full-width digits and brackets, U+3000 spaces), so a 繁體 version of a portal is judged the
same as the simplified one.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_PUNCT = re.compile(r"[\s\u3000\u00a0《》〈〉<>“”\"'‘’「」『』（）()【】\[\]〔〕{}、，,。．.：:；;！!？?·—\-_/|]+")


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    return opencc.OpenCC("t2s")


# Full-width ASCII forms and the ideographic space, mapped to their NFKC (= NFKD) value.
# Replacing a character by its full compatibility decomposition leaves NFKD(text), hence
# NFKC(text), unchanged; Chinese running text is then usually NFKC already, which the quick
# check sees at once, while normalising a long body with its full-width ，（）： is slow.
_FULLWIDTH = {chr(c): unicodedata.normalize("NFKD", chr(c)) for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH["\u3000"] = " "
_FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), faster on long Chinese text (same result)."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for char in set(_FULLWIDTH_RE.findall(text)):  # str.replace per character: C speed
        text = text.replace(char, _FULLWIDTH[char])
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


LONG_TEXT = 2000  # characters: longer texts (document bodies) get a small cache of their own


def simplify(text: str | None) -> str:
    """Traditional -> simplified, NFKC, whitespace folded to one space, stripped."""
    if text and len(text) > LONG_TEXT:
        return _simplify_long(text)
    return _simplify(text)


@lru_cache(maxsize=128)
def _simplify_long(text: str) -> str:
    # bounded by count: 20,000 bodies of 20,000 characters would hold ~800 MB
    return _simplify.__wrapped__(text)


@lru_cache(maxsize=65536)
def _simplify(text: str | None) -> str:
    if not text:
        return ""
    text = nfkc(text)
    conv = _t2s()
    if conv is not None:
        text = conv.convert(text)
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def key(text: str | None) -> str:
    """A comparison key: simplified, without spaces and punctuation (names, titles)."""
    return _PUNCT.sub("", simplify(text))


_TITLE_WRAP = [
    re.compile(r"^(关于)?(印发|转发|公布|发布|颁布)"),
    re.compile(r"(的)?(通知|公告|通告|决定|令)$"),
]


def title_key(title: str | None) -> str:
    """Normalised title for matching repealed documents: 《》 inner text when the title is a
    `关于印发《X》的通知` wrapper, else the title itself; punctuation and spaces removed."""
    text = simplify(title).replace("〈", "《").replace("〉", "》")
    inner = re.fullmatch(r"\s*(?:关于)?(?:印发|转发|公布|发布|颁布)?\s*《([^《》]+)》\s*(?:的)?(?:通知|公告|通告|决定)?\s*", text)
    if inner:
        text = inner.group(1)
    return key(text)


_DOCNO_BRACKETS = str.maketrans({"[": "〔", "【": "〔", "(": "〔", "（": "〔", "﹝": "〔", "{": "〔",
                                 "]": "〕", "】": "〕", ")": "〕", "）": "〕", "﹞": "〕", "}": "〕"})


def docno_key(doc_no: str | None) -> str:
    """Normalised 文号: brackets unified to 〔〕, spaces and dashes folded, 第 kept."""
    text = simplify(doc_no)
    if not text or text in {"无", "暂无", "-", "/"}:
        return ""
    text = text.translate(_DOCNO_BRACKETS)
    text = re.sub(r"[\s]+", "", text)
    text = re.sub(r"[—–－‐-]+", "-", text)
    return text


# A 文号 as it appears in running text: X发〔2018〕5号, 国务院令第711号, HFGS-2017-9.
DOCNO_RE = re.compile(
    r"[\u4e00-\u9fa5A-Za-z]{1,12}\s*[〔\[［(（【﹝]\s*\d{4}\s*[〕\]］)）】﹞]\s*\d{1,4}\s*号"
    r"|[\u4e00-\u9fa5]{0,12}令\s*(?:第\s*)?\d{1,4}\s*号"
    r"|[A-Z]{2,8}\s*[—–－‐-]\s*\d{4}\s*[—–－‐-]\s*\d{1,4}"
)
BOOK_TITLE_RE = re.compile(r"《([^《》]{2,120})》")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """'5', '五', '十', '十二', '二十' -> int."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS.get(text)


_DATE_RE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")
_MD_RE = re.compile(r"^\[?\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?\s*\]?$")


def parse_date(text: str | None, as_of: dt.date | None = None) -> dt.date | None:
    """The first Y-M-D date in `text` ('2020年08月02日', '2023.11.09', '2007-08-20-23:59:59',
    '[2023-11-09]'). A year-less 'MM-DD' takes the latest year that is not after `as_of`."""
    if not text:
        return None
    if isinstance(text, dt.date):
        return text
    text = unicodedata.normalize("NFKC", str(text))
    m = _DATE_RE.search(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = _MD_RE.match(text.strip())
    if m and as_of is not None:
        try:
            day = dt.date(as_of.year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
        if day > as_of:
            try:
                day = day.replace(year=as_of.year - 1)
            except ValueError:
                return None
        return day
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the day is clamped to the month's end (01-31 + 1 month = 02-28/29)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, _stdcal.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def any_match(patterns, text: str) -> str | None:
    """The first pattern (regex) that matches the simplified `text`, or None."""
    text = simplify(text)
    for pattern in patterns:
        if re.search(pattern, text):
            return pattern
    return None


def sentences(text: str) -> list[str]:
    """Split running text at 。；! ? and line breaks."""
    return [s for s in re.split(r"(?<=[。；;！!？?\n])", text or "") if s.strip()]
