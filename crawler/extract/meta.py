"""<meta> tags, <base href> and meta refresh."""
from __future__ import annotations

import re

from .text import fold
from .urls import resolve

_REFRESH_RE = re.compile(r"^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.IGNORECASE | re.DOTALL)


def metas(root) -> dict[str, str]:
    """{name: content} of <meta name|http-equiv|property>, names as written; first non-empty wins."""
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        name = el.get("name") or el.get("http-equiv") or el.get("property") or el.get("itemprop")
        if not name:
            continue
        name = name.strip()
        content = fold(el.get("content") or el.get("value") or "")
        if name not in out or (not out[name] and content):
            out[name] = content
    return out


def meta_ci(meta: dict[str, str], *names: str) -> str | None:
    """First non-empty value among `names`, matched case-insensitively."""
    lower = {k.lower(): v for k, v in meta.items()}
    for n in names:
        v = lower.get(n.lower())
        if v:
            return v
    return None


def base_url(root, url: str, encoding: str | None) -> str:
    for el in root.iter("base"):
        href = el.get("href")
        if href and href.strip():
            b = resolve(href, url, encoding, keep_fragment=False)
            if b:
                return b
        break
    return url


def refresh_target(root, base: str, encoding: str | None) -> str | None:
    """Absolute meta-refresh target (fragment kept, as the browser navigates), or None."""
    for el in root.iter("meta"):
        if (el.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        m = _REFRESH_RE.match(el.get("content") or "")
        if not m:
            continue
        target = m.group(1).strip().strip("'\"").strip()
        if not target:
            continue
        return resolve(target, base, encoding, keep_fragment=True)
    return None
