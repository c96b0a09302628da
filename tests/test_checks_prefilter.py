"""checks.prefilter: the raw-text keyword test never says "no" where the exact search matches."""

from __future__ import annotations

import re
import unicodedata

from checks import prefilter
from checks.prefilter import KeywordFilter, is_ideograph, raw_forms
from checks.text import _t2s, simplify
from xxgk.profile import load_profile

REPEAL = load_profile(None)["regulations"]["repeal_patterns"]


def _exact(patterns, raw):
    return re.search("|".join(patterns), simplify(raw)) is not None


def test_no_code_point_outside_the_blocks_simplifies_to_an_ideograph():
    outside = [chr(i) for i in range(0x110000)
               if not any(lo <= i < hi for lo, hi in prefilter._BLOCKS) and not 0xD800 <= i < 0xE000 and i != 10]
    text = _t2s().convert(unicodedata.normalize("NFKC", "\n".join(outside)))
    lines = text.split("\n")
    assert len(lines) == len(outside)
    bad = [(src, out) for src, out in zip(outside, lines, strict=True) if any(is_ideograph(c) for c in out)]
    assert bad == []


def test_raw_forms_hold_traditional_and_compatibility_forms():
    assert {"废", "廢"} <= set(raw_forms("废"))
    assert {"止", "\u2f4c"} <= set(raw_forms("止"))  # KANGXI RADICAL STOP
    assert {"不", "\uf967"} <= set(raw_forms("不"))  # CJK COMPATIBILITY IDEOGRAPH-F967
    assert {"馀", "餘"} <= set(raw_forms("馀"))  # a second simplification a phrase may choose
    assert "乾" in raw_forms("乾")  # kept by phrases (乾隆) though alone it becomes 干


def test_filter_agrees_with_the_exact_search():
    words = KeywordFilter(REPEAL)
    assert words.active
    texts = [
        "本办法自发布之日起施行，《某某办法》同时废止。",
        "本辦法自發布之日起施行，原《某某辦法》同時廢止。",  # traditional
        "本办法自发布之日起施行。",
        "以上文件自即日起失效。",
        "停止執行《暫行規定》。",
        "不再\u2f8f執\u2f8f行。",  # radicals: 行 via NFKC, no 执 -> no match
        "本规定\uf967再执行。",  # 不 as a compatibility ideograph
        "废\n止",  # folded to "废 止": no match, but the filter may say maybe
        "",
        None,
    ]
    for text in texts:
        if _exact(REPEAL, text):
            assert words.may_match(text), text
    assert not words.may_match("本办法自发布之日起施行。")
    assert words.may_match("原《某某辦法》同時廢止。")


def test_patterns_with_regex_syntax_switch_the_filter_off():
    words = KeywordFilter(["废止", "失效.{0,20}决定"])
    assert not words.active and words.may_match("无关的文字")
    assert not KeywordFilter([]).active
