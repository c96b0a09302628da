"""A cheap test on raw text: can a keyword (废止, 失效 ...) appear in it once simplified?

`simplify` (NFKC, OpenCC 繁→简, whitespace folded) costs about a millisecond for a document
body of 14,000 characters; reg.stale asks of every body whether it holds a repeal keyword,
and almost none do. A keyword found in the simplified text has each of its Chinese characters
there, and each came from a raw character that simplifies to it: the character itself, a
traditional form (廢 -> 废), a compatibility form (⽌ -> 止, 不 U+F967 -> 不). So when, for
every keyword, some such character is missing from the raw text, no keyword can match and
the expensive path is skipped; otherwise the caller simplifies and searches as before. The
answer is only ever "no" when the exact search would also say no, so findings do not change.

Only plain-word patterns are filtered (a pattern with regex syntax switches the filter off).
The raw forms of a character are found by simplifying every code point of the blocks that
hold CJK ideographs and their compatibility forms (`_BLOCKS`, ~100,000 code points, once per
process, ~0.1 s); tests/test_checks_prefilter.py checks against all code points that no
other code point simplifies to a CJK ideograph.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

from .text import _t2s

# Code points whose NFKC or 繁→简 form can hold a CJK ideograph: radicals, CJK symbols,
# kanbun, enclosed and compatibility CJK, unified ideographs (with extension A), compatibility
# ideographs, vertical and small forms, half/full width forms, enclosed ideographic
# supplement, extensions B-H and the compatibility supplement.
_BLOCKS = ((0x2E80, 0xA000), (0xF900, 0xFB00), (0xFE10, 0xFE70), (0xFF00, 0xFFF0), (0x1F200, 0x1F300),
           (0x20000, 0x323B0))


def is_ideograph(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


@lru_cache(maxsize=1)
def _changed() -> list[tuple[str, str]]:
    """(code point, its simplified form) for every code point of _BLOCKS that simplify changes.
    Converted 4,096 code points at a time, one per line: no NFKC composition and no 繁→简
    phrase spans a line break, and the strings stay small."""
    conv = _t2s()
    out = []
    for lo, hi in _BLOCKS:
        for start in range(lo, hi, 4096):
            chars = "\n".join(map(chr, range(start, min(start + 4096, hi))))
            text = unicodedata.normalize("NFKC", chars)
            text = conv.convert(text) if conv is not None else text
            out += [(a, b) for a, b in zip(chars.split("\n"), text.split("\n"), strict=True) if a != b]
    return out


@lru_cache(maxsize=4096)
def raw_forms(char: str) -> str:
    """The characters that `simplify` can turn into (a text holding) the ideograph `char`:
    itself (a 繁→简 phrase may keep a character its single form changes), its traditional form
    (a phrase may choose a second simplification: 餘 -> 馀 beside 余), and every code point
    whose simplified form holds it."""
    found = {char} | set(_s2t(char))
    found.update(source for source, result in _changed() if char in result)
    return "".join(sorted(found))


@lru_cache(maxsize=1)
def _s2t_converter():
    """OpenCC 简→繁 with its single-character table only: the bundled s2t config also loads
    the phrase tables (~26 MB in memory), and only single characters are converted here.
    The config names its table by absolute path, so it is written to a temporary file."""
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    table = Path(opencc.__file__).parent / "clib" / "share" / "opencc" / "STCharacters.ocd2"
    if not table.is_file():
        return opencc.OpenCC("s2t")
    config = {"name": "s2t characters", "conversion_chain": [{"dict": {"type": "ocd2", "file": str(table)}}]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s2t-characters.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        return opencc.OpenCC(str(path))


def _s2t(char: str) -> str:
    conv = _s2t_converter()
    return conv.convert(char) if conv is not None else char


class KeywordFilter:
    """`may_match(raw)`: False only when `re.search("|".join(patterns), simplify(raw))` is
    certainly None. `active` is False when a pattern is not a plain word (or has no ideograph):
    then every text may match."""

    def __init__(self, patterns):
        words = list(patterns or [])
        plain = bool(words) and all(w and re.escape(w) == w for w in words)
        # per keyword: the raw forms of each of its ideographs
        self.keywords = [[raw_forms(c) for c in dict.fromkeys(w) if is_ideograph(c)] for w in words] if plain else []
        self.active = plain and all(self.keywords)

    def may_match(self, raw: str | None) -> bool:
        if not self.active:
            return True
        if not raw:
            return False
        present: dict[str, bool] = {}  # raw forms -> found in the text (shared by the keywords)
        for forms in self.keywords:
            for chars in forms:
                hit = present.get(chars)
                if hit is None:
                    hit = present[chars] = any(c in raw for c in chars)  # str.find: C speed
                if not hit:
                    break
            else:
                return True
        return False
