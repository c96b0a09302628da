"""The main text of a document (TRS_Editor, #zoom, UCAP-CONTENT ... or the densest block)."""
from __future__ import annotations

import re

from .dom import block_text, class_id

_MARKERS_RE = re.compile(r"trs_editor|ucap-content|\bzoom\b|article-body|article_body|pages_content|"
                         r"wenzhang-content|detil-new-cont|art_con|article-content|article_content|"
                         r"\bcontent_text\b|\bcontent-text\b|\bmain-txt\b|\bview\b|\bnews_content\b|"
                         r"\bartibody\b|\bxxgk_content\b|\bzwgk_content\b|\bcontent\b|\bcon_text\b")
BODY_LIMIT = 20000


def has_editor(root) -> bool:
    for el in root.iter("div"):
        c = el.get("class")
        if c and "TRS_Editor" in c:
            return True
    return False


def main_text(root) -> str:
    best = short = None
    for el in root.iter("div", "td", "article", "section"):
        ci = class_id(el)
        if ci and _MARKERS_RE.search(ci):
            t = block_text(el, BODY_LIMIT)
            if len(t) >= 20:
                best = t
                break
            if short is None and len(t.strip()) >= 4:
                short = t
    if best is None:
        # a one-sentence article ("本办法自印发之日起施行，有效期3年。") is still the article: the
        # densest block of such a page is the footer
        best = short if short is not None else _densest(root)
    return best[:BODY_LIMIT]


_CONTAINERS = frozenset({"div", "td", "article", "section", "body", "center", "font", "span"})


def _densest(root) -> str:
    """The element holding the most text directly or in its <p> children."""
    scores: dict = {}
    for el in root.iter("div", "td", "article", "section", "body", "center", "font", "span", "p"):
        if el.tag == "p":
            parent = el.getparent()
            if parent is not None:
                scores[parent] = scores.get(parent, 0) + sum(len(t) for t in el.itertext())
            continue
        n = len(el.text.strip()) if el.text else 0
        for c in el:
            if c.tail and c.tag in ("br", "span", "font", "a", "b", "strong", "img"):
                n += len(c.tail.strip())
        if n:
            scores[el] = scores.get(el, 0) + n
    if not scores:
        return ""
    el = max(scores, key=scores.get)
    return block_text(el, BODY_LIMIT)
