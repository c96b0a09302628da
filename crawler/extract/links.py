"""Every link a browser loads or a reader follows, resolved like a browser.

Each link is {"url", "tag", "attribute", "text"}: anchor text (or the alt/title of an image
inside it) for a/area, alt/title for images, "" otherwise.
"""
from __future__ import annotations

import re

from lxml import etree

from .text import fold
from .urls import Resolver

_CSS_URL_RE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*?))\s*\)""", re.IGNORECASE)
_CSS_IMPORT_RE = re.compile(r"""@import\s+(?:"([^"]+)"|'([^']+)')""", re.IGNORECASE)
_SKIP_REL = {"dns-prefetch", "preconnect"}

# tag -> attributes holding a URL
_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",), "area": ("href",), "img": ("src", "srcset"), "script": ("src",), "link": ("href",),
    "iframe": ("src",), "frame": ("src",), "embed": ("src",), "object": ("data",),
    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",), "track": ("src",),
    "input": ("src",),
}
FOLLOW_TAGS = frozenset({"a", "area", "iframe", "frame", "meta"})


def srcset_urls(value: str) -> list[str]:
    out = []
    for cand in value.split(","):
        cand = cand.strip()
        if cand:
            out.append(cand.split()[0])
    return out


def css_urls(css: str) -> list[str]:
    out = [a or b or c for a, b, c in _CSS_URL_RE.findall(css)]
    if "@import" in css:
        out += [a or b for a, b in _CSS_IMPORT_RE.findall(css)]
    return [u for u in out if u and u.strip()]


def _anchor_text(el) -> str:
    t = fold("".join(el.itertext()))
    if t:
        return t[:500]
    for img in el.iter("img"):
        alt = fold(img.get("alt") or img.get("title"))
        if alt:
            return alt
    return fold(el.get("title"))[:500]


_LINK_XPATH = etree.XPath(
    "//a[@href]|//area[@href]|//img[@src or @srcset]|//script[@src]|//link[@href]|//iframe[@src]|"
    "//frame[@src]|//embed[@src]|//object[@data]|//source[@src or @srcset]|//video[@src or @poster]|"
    "//audio[@src]|//track[@src]|//input[@src]|//*[@style[contains(., 'url(') or contains(., 'URL(')]]|//style"
)


class LinkCollector:
    def __init__(self, res: Resolver):
        self.res = res
        self.links: list[dict] = []
        self._seen: set[tuple[str, str, str, str]] = set()
        self.anchors: dict = {}  # <a> element -> (url, text), reused by the list extractor

    def add(self, href: str | None, tag: str, attribute: str, text: str | None = "") -> str | None:
        url = self.res(href)
        if url is None:
            return None
        key = (url, tag, attribute, text or "")
        if key not in self._seen:
            self._seen.add(key)
            self.links.append({"url": url, "tag": tag, "attribute": attribute, "text": text or ""})
        return url

    def collect(self, root) -> None:
        add = self.add
        for el in _LINK_XPATH(root):
            tag = el.tag
            style = el.get("style")
            if style and "url(" in style.lower():
                for u in css_urls(style):
                    add(u, tag, "style")
            if tag == "style":
                if el.text:
                    for u in css_urls(el.text):
                        add(u, "style", "url()")
                continue
            attrs = _ATTRS.get(tag)
            if not attrs:
                continue
            if tag == "link":
                rel = (el.get("rel") or "").lower().split()
                if any(r in _SKIP_REL for r in rel):
                    continue
            if tag == "input" and (el.get("type") or "").lower() != "image":
                continue
            for attr in attrs:
                val = el.get(attr)
                if not val:
                    continue
                if attr == "srcset":
                    for u in srcset_urls(val):
                        add(u, tag, attr, fold(el.get("alt") or el.get("title")) if tag == "img" else "")
                    continue
                if tag == "a":
                    text = _anchor_text(el)
                elif tag == "area":
                    text = fold(el.get("alt") or el.get("title"))
                elif tag == "img":
                    text = fold(el.get("alt") or el.get("title"))
                else:
                    text = fold(el.get("title"))
                url = add(val, tag, attr, text)
                if tag == "a":
                    self.anchors[el] = (url, text)
