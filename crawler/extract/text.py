"""Text normalisation shared by the extractors: whitespace folding, full-width forms, t2s."""
from __future__ import annotations

import re

# U+3000 ideographic space, NBSP, zero-width characters, BOM: all count as whitespace.
_WS_RE = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff]+")
_CJK = r"\u2e80-\u2fff\u3001-\u303f\u3040-\u9fff\uf900-\ufaff\uff00-\uffef"
# whitespace that touches a CJK character on either side (titles split over <br> lines)
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
# keep the full-width colon and brackets that labels and dates rely on as they are
for _c in "：（）【】〔〕［］，；":
    _FULLWIDTH.pop(ord(_c), None)
_FULLWIDTH[0x3000] = 0x20
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)

_converter = None


def fold(s: str | None) -> str:
    """Collapse every run of whitespace (incl. U+3000 and NBSP) to one space, strip."""
    if not s:
        return ""
    return _WS_RE.sub(" ", s).strip()


def fold_cjk(s: str | None) -> str:
    """Fold whitespace and drop it next to CJK characters ("2007　年末" -> "2007年末")."""
    s = fold(s)
    return _CJK_GAP_RE.sub("", s) if s else s


def nospace(s: str | None) -> str:
    return _WS_RE.sub("", s) if s else ""


_HAS_FULLWIDTH_RE = re.compile("[" + "".join(chr(c) for c in sorted(_FULLWIDTH)) + "]")


def halfwidth(s: str) -> str:
    """Full-width digits and Latin letters to ASCII (２０２６ -> 2026)."""
    if s.isascii() or not _HAS_FULLWIDTH_RE.search(s):
        return s
    return s.translate(_FULLWIDTH_TABLE)


def _get_converter():
    global _converter
    if _converter is None:
        try:
            import opencc

            _converter = opencc.OpenCC("t2s")
        except Exception:  # pragma: no cover - opencc is a hard dependency
            _converter = False
    return _converter


def t2s(s: str) -> str:
    """Traditional -> simplified (OpenCC t2s); identity when OpenCC is unavailable."""
    if not s or s.isascii():
        return s
    conv = _get_converter()
    if not conv:
        return s
    try:
        return conv.convert(s)
    except Exception:
        return s


def norm_key(s: str) -> str:
    """Comparison form: no whitespace, half-width, simplified."""
    return t2s(halfwidth(nospace(s)))
