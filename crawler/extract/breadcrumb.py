"""Breadcrumb ("当前位置：首页 > 政务公开 > 人事任免") and the column it names."""
from __future__ import annotations

import re

from .dom import SKIP_TAGS, Tokens, class_id
from .text import fold

_LABEL_RE = re.compile(r"(?:您当前的位置|您当前位置|您现在的位置|您的位置|当前位置|当前的位置|现在位置|所在位置|你的位置|你现在的位置)")
_LABEL_PREFIX_RE = re.compile(r"^.*?(?:位置)\s*[:：]?\s*")
_CLASS_RE = re.compile(r"bread|crumb|position|location|dqwz|weizhi|mianbao|curpos|currpos|navpath|nav_path|"
                       r"path-?nav|lujing|dangqian")
_SEP_RE = re.compile(r"\s*(?:-+>|>>?|＞|»|›|→|/|\\|\|)\s*")
_SEP_ONLY_RE = re.compile(r"^\s*(?:-+>|>>?|＞|»|›|→)\s*$")
_NOISE_CLASS_RE = re.compile(r"print|share|font|size|zoom|search|date|time")
_SYMBOLS_RE = re.compile(r"^[\W_]+$")
_NOT_COLUMN = {"正文", "详情", "内容", "文章", "正文内容", "详细内容", "详细信息", "信息详情", "文章详情", "阅读正文", "浏览正文"}


def _has_link(el) -> bool:
    for a in el.iter("a"):
        if a.get("href") is not None or a.text:
            return True
    return False


def _text_len(el, cap: int = 600) -> int:
    n = 0
    for t in el.itertext():
        n += len(t.strip())
        if n > cap:
            break
    return n


def _count_links(el) -> int:
    return sum(1 for _ in el.iter("a"))


def _widen(el):
    """From the label's line (<li>当前位置：<a>首页</a></li>) up to the whole trail (<ul>)."""
    n = _count_links(el)
    if n > 1:  # the label's element already holds the trail: widening would swallow the page body
        return el
    for _ in range(2):
        p = el.getparent()
        if p is None or p.tag in ("body", "html"):
            break
        m = _count_links(p)
        if m <= n or _text_len(p) > 150:
            break
        el, n = p, m
    return el


def find(root, toks: Tokens):
    # 1. the "当前位置：" label, climbing until the element holds links
    for i, s in enumerate(toks.simp):
        if len(s) < 40 and _LABEL_RE.search(s):
            el = toks.owner(i)
            for _ in range(5):
                if el is None:
                    break
                if _has_link(el) and _text_len(el) < 500:
                    return _widen(el)
                el = el.getparent()
    # 2. class/id names
    for el in root.iter("div", "ul", "ol", "p", "span", "td", "nav", "section", "table"):
        ci = class_id(el)
        if ci and _CLASS_RE.search(ci) and _has_link(el) and _text_len(el) < 400:
            return el
    # 3. TRS channel links
    for a in root.iter("a"):
        if "CurrChnlCls" in (a.get("class") or ""):
            p = a.getparent()
            if p is not None:
                return p
    # 4. links separated by ">" tokens
    for i, s in enumerate(toks.raw):
        if len(s) < 6 and _SEP_ONLY_RE.match(s):
            el = toks.owner(i)
            for _ in range(3):
                if el is None:
                    break
                if len(list(el.iter("a"))) >= 2 and _text_len(el) < 200:
                    return el
                el = el.getparent()
    return None


def items(container) -> list[str]:
    out: list[str] = []

    def add_text(t: str | None):
        if not t:
            return
        t = fold(t)
        if not t:
            return
        if "位置" in t:
            t = _LABEL_PREFIX_RE.sub("", t)
        for piece in _SEP_RE.split(t):
            piece = piece.strip(" :：")
            if piece:
                out.append(piece)

    def walk(el, top: bool):
        tag = el.tag
        if not isinstance(tag, str):
            return
        if not top:
            if tag in SKIP_TAGS or tag in ("form", "input", "button", "img"):
                return
            ci = class_id(el)
            if ci and _NOISE_CLASS_RE.search(ci):
                return
            if tag == "div" and not _has_link(el):
                return
        if tag == "a":
            t = fold("".join(el.itertext())) or fold(el.get("title"))
            if t:
                out.append(t)
            return
        add_text(el.text)
        for c in el:
            walk(c, False)
            add_text(c.tail)

    walk(container, True)
    return [x for x in out if len(x) <= 40 and not _SYMBOLS_RE.match(x)][:12]


def column_from(crumbs: list[str], title: str | None) -> str | None:
    for item in reversed(crumbs):
        if item in _NOT_COLUMN or (title and item == title):
            continue
        if len(crumbs) > 1 and item == crumbs[0] and item in ("首页", "网站首页"):
            return None
        return item
    return None
