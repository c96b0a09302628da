"""One parse per page (lxml) and the visible-text token stream every extractor reads.

A token is one text node a reader sees: an element's text or its tail, in document order.
Comments are dropped by the parser; script, style, template, noscript and <head> content
never yield tokens, and attribute values are never text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .text import fold, t2s

_PARSER = None
# libxml2 stops at the first </html>; browsers ignore it (pages that include a whole header page)
_END_TAGS_RE = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title", "select", "option",
                       "textarea", "object", "iframe", "frame", "svg", "math"})
BLOCK_TAGS = frozenset({"p", "div", "li", "tr", "td", "th", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul",
                        "ol", "table", "dl", "dt", "dd", "section", "article", "header", "footer", "form",
                        "blockquote", "pre", "hr", "tbody", "center", "nav", "aside", "main"})
_SEP = "\x1f"


def parser() -> etree.HTMLParser:
    global _PARSER
    if _PARSER is None:
        _PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                   no_network=True, recover=True)
    return _PARSER


def parse_html(text: str):
    """Root element of the page, or None when nothing parses."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    text = _END_TAGS_RE.sub("", text)
    data = text.encode("utf-8", "surrogatepass")
    try:
        root = etree.fromstring(data, parser())
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return None
    if not isinstance(root.tag, str):
        return None
    return root


def parse_fragment(html: str):
    """Parse a snippet (datastore records) into a <div> wrapper inside a fresh document."""
    root = parse_html("<html><body><div>" + html + "</div></body></html>")
    if root is None:
        return None
    found = root.find("body/div")
    return found if found is not None else root


@dataclass(slots=True)
class Tokens:
    """Parallel lists: raw text, simplified (t2s) text, owning element, whether it is a tail."""

    raw: list[str] = field(default_factory=list)
    simp: list[str] = field(default_factory=list)
    elems: list = field(default_factory=list)
    tails: list[bool] = field(default_factory=list)

    def owner(self, i: int):
        """The element whose content the token is (the parent for a tail)."""
        el = self.elems[i]
        if self.tails[i]:
            p = el.getparent()
            return p if p is not None else el
        return el

    def joined(self, start: int = 0, end: int | None = None) -> str:
        return " ".join(self.raw[start:end])


def tokens(root) -> Tokens:
    toks = Tokens()
    raw, elems, tails = toks.raw, toks.elems, toks.tails
    body = root.find("body")
    start = body if body is not None else root

    def walk(el):
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and tag not in SKIP_TAGS:
                t = child.text
                if t and not t.isspace():
                    raw.append(t)
                    elems.append(child)
                    tails.append(False)
                if len(child):
                    walk(child)
            t = child.tail
            if t and not t.isspace():
                raw.append(t)
                elems.append(child)
                tails.append(True)

    if start.text and not start.text.isspace():
        raw.append(start.text)
        elems.append(start)
        tails.append(False)
    try:
        walk(start)
    except RecursionError:
        pass
    if start is body:
        # text after </body> (broken pages) still shows in a browser
        for sib in body.itersiblings():
            if isinstance(sib.tag, str) and sib.tag not in SKIP_TAGS:
                for t in sib.itertext():
                    if t and not t.isspace():
                        raw.append(t)
                        elems.append(sib)
                        tails.append(False)
    conv = t2s(_SEP.join(raw)) if raw else ""
    simp = conv.split(_SEP) if conv else []
    if len(simp) != len(raw):
        simp = [t2s(t) for t in raw]
    toks.simp = simp
    return toks


def el_text(el, limit: int = 100000) -> str:
    """Visible text of an element (no script/style), whitespace folded."""
    parts: list[str] = []
    n = 0

    def walk(e):
        nonlocal n
        for c in e:
            if n > limit:
                return
            if isinstance(c.tag, str) and c.tag not in SKIP_TAGS:
                if c.text:
                    parts.append(c.text)
                    n += len(c.text)
                if len(c):
                    walk(c)
            if c.tail:
                parts.append(c.tail)
                n += len(c.tail)

    if el.text:
        parts.append(el.text)
    try:
        walk(el)
    except RecursionError:
        pass
    return fold("".join(parts))


def block_text(el, limit: int = 20000) -> str:
    """Visible text of an element with line breaks at block boundaries, folded per line."""
    lines: list[str] = []
    cur: list[str] = []
    total = 0

    def flush():
        nonlocal total
        if cur:
            s = fold("".join(cur))
            cur.clear()
            if s:
                lines.append(s)
                total += len(s) + 1

    def walk(e):
        for c in e:
            if total > limit:
                return
            tag = c.tag
            if isinstance(tag, str) and tag not in SKIP_TAGS:
                blk = tag in BLOCK_TAGS
                if blk:
                    flush()
                if c.text:
                    cur.append(c.text)
                if len(c):
                    walk(c)
                if blk:
                    flush()
            if c.tail:
                cur.append(c.tail)

    if el.text:
        cur.append(el.text)
    try:
        walk(el)
    except RecursionError:
        pass
    flush()
    return "\n".join(lines)[:limit]


def class_id(el) -> str:
    """Lower-cased "class id" string of an element, for marker matching."""
    c = el.get("class")
    i = el.get("id")
    if c and i:
        return (c + " " + i).lower()
    return (c or i or "").lower()
