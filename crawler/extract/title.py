"""The title a reader sees: for documents the heading (ArticleTitle meta as a strong source),
not the <title> with the site name appended."""
from __future__ import annotations

import re

from .dom import Tokens
from .text import fold, fold_cjk, nospace

_TITLE_SEP_RE = re.compile(r"\s*(?:_+|\|+|｜|——|--+|–|—|\s-\s|-)\s*")


def page_title(root) -> str:
    for el in root.iter("title"):
        return fold(el.text)
    return ""


def _prefixes(title: str) -> list[str]:
    """"A_B_site" -> ["A_B_site", "A_B", "A"]: the heading is a leading part of <title>."""
    out = [title]
    seps = list(_TITLE_SEP_RE.finditer(title))
    for m in reversed(seps):
        head = title[: m.start()].strip()
        if len(nospace(head)) >= 4 and head not in out:
            out.append(head)
    return out


def locate(toks: Tokens, candidate: str, limit_tokens: int = 8) -> tuple[int, str] | None:
    """(token index, heading as shown) where the visible text spells `candidate`."""
    target = nospace(candidate)
    if len(target) < 2:
        return None
    raw = toks.raw
    first = target[:2]
    for i, t in enumerate(raw):
        if first[0] not in t:
            continue
        ts = nospace(t)
        if not ts or not target.startswith(ts) or (len(ts) < 2 and len(target) >= 2):
            continue
        acc = ts
        parts = [t]
        j = i + 1
        while len(acc) < len(target) and j < len(raw) and j - i < limit_tokens:
            nxt = nospace(raw[j])
            if not target.startswith(acc + nxt):
                break
            acc += nxt
            parts.append(raw[j])
            j += 1
        if acc == target:
            return i, fold_cjk(" ".join(parts))
    return None


def heading(toks: Tokens, article_title: str | None, html_title: str) -> tuple[str | None, int | None]:
    """(heading text, token index of the heading) or (None, None) when no heading is visible."""
    if article_title:
        found = locate(toks, article_title)
        if found:
            return fold_cjk(article_title), found[0]
    for cand in _prefixes(html_title) if html_title else []:
        found = locate(toks, cand)
        if found:
            return found[1], found[0]
    return None, None
